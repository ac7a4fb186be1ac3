#pragma once
// Nothing of it is named by ProcessGroupGloo.hpp (see README.md).
