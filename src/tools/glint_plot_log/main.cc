// glint_plot_log: train_glint_unet's JSON log as a PNG chart; see docs/TRAINING.md.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "draw/train_log_plot.h"
#include "util/cli.h"

int main(int argc, char** argv) {
  std::string log, out, title;
  CLI::App app("Draws the JSON log of train_glint_unet (--log FILE) as a PNG: losses, localisation "
               "error, precision, recall and F1 per epoch.",
               "glint_plot_log");
  app.add_option("log", log, "JSON lines written by train_glint_unet --log")->required();
  app.add_option("-o,--out", out, "PNG to write (default: the log's name with .png)");
  app.add_option("--title", title, "title of the chart (default: the log's name and epochs)");
  if (const auto code = glint::parse_command_line(app, argc, argv)) return *code;
  if (out.empty()) out = std::filesystem::path(log).replace_extension(".png").string();
  try {
    const auto epochs = glint::draw::read_train_log(log);
    if (title.empty()) {
      const long planned = epochs.rbegin()->second.value("epochs", 0L);
      title = std::filesystem::path(log).filename().string() + ": " + std::to_string(epochs.size()) + " of " +
              std::to_string(planned) + " epochs";
    }
    const glint::draw::Canvas chart = glint::draw::plot_train_log(epochs, title);
    if (const std::string error = chart.write_png(out); !error.empty()) {
      std::cerr << "glint_plot_log: -o: " << error << "\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "glint_plot_log: " << e.what() << "\n";
    return 1;
  }
  std::cout << "wrote " << out << "\n";
  return 0;
}
