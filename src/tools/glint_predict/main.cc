// glint_predict: glints a trained model finds in images; see docs/PREDICT.md.
#include <iostream>

#include "predict/predict.h"
#include "predict/predict_options.h"

int main(int argc, char** argv) {
  glint::predict::PredictOptions options;
  if (const int code = glint::predict::parse_predict_options(argc, argv, options); code >= 0) return code;
  return glint::predict::run_predict(options, std::cout, std::cerr);
}
