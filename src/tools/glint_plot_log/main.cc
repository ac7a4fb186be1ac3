// glint_plot_log: train_glint_unet's JSON logs as a PNG chart (one log, or
// several runs overlaid) or as a table of runs; see docs/TRAINING.md.
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "draw/run_table.h"
#include "draw/train_log_plot.h"
#include "util/cli.h"

namespace {

struct PlotOptions {
  std::vector<std::string> logs;
  std::string out, title;
  bool table = false;
  std::string format = "text";
};

const std::map<std::string, glint::draw::TableFormat> kFormats = {
    {"text", glint::draw::TableFormat::kText},
    {"csv", glint::draw::TableFormat::kCsv},
    {"markdown", glint::draw::TableFormat::kMarkdown}};

void setup(CLI::App& app, PlotOptions& o) {
  app.add_option("log", o.logs, "JSON lines written by train_glint_unet --log; several: one run each, overlaid")
      ->required();
  app.add_option("-o,--out", o.out,
                 "PNG to write (default: the log's name with .png; for several logs runs.png next to the first; "
                 "with --table only when given)");
  app.add_option("--title", o.title, "title of the chart (default: the log's name and epochs, or the run count)");
  auto* table = app.add_flag("--table", o.table, "print one row per run: best val loss, its epoch, px error, "
                                                 "P/R/F1 there, samples/s, peak memory");
  app.add_option("--format", o.format, "table format: text, csv or markdown")
      ->check(CLI::IsMember({"text", "csv", "markdown"}))
      ->needs(table);
}

// Reads every log (throws one line naming the bad file) and draws or prints.
int run(PlotOptions o) {
  namespace draw = glint::draw;
  std::vector<draw::RunLog> runs;
  const std::vector<std::string> names = draw::run_names(o.logs);
  for (size_t i = 0; i < o.logs.size(); ++i) runs.push_back({names[i], draw::read_train_log(o.logs[i])});
  if (o.table) {
    std::vector<draw::RunSummary> rows;
    for (const draw::RunLog& r : runs) rows.push_back(draw::summarize_run(r.name, r.epochs));
    std::cout << draw::format_run_table(rows, kFormats.at(o.format));
    if (o.out.empty()) return 0;
  }
  const bool one = runs.size() == 1;
  if (o.out.empty()) {
    const std::filesystem::path first(o.logs[0]);
    o.out = one ? std::filesystem::path(first).replace_extension(".png").string()
                : (first.parent_path() / "runs.png").string();
  }
  if (o.title.empty()) {
    const long planned = runs[0].epochs.rbegin()->second.value("epochs", 0L);
    o.title = one ? std::filesystem::path(o.logs[0]).filename().string() + ": " +
                        std::to_string(runs[0].epochs.size()) + " of " + std::to_string(planned) + " epochs"
                  : std::to_string(runs.size()) + " runs";
  }
  const draw::Canvas chart = one ? draw::plot_train_log(runs[0].epochs, o.title) : draw::plot_train_logs(runs, o.title);
  if (const std::string error = chart.write_png(o.out); !error.empty()) {
    std::cerr << "glint_plot_log: -o: " << error << "\n";
    return 1;
  }
  if (!o.table) std::cout << "wrote " << o.out << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  PlotOptions options;
  CLI::App app("Draws JSON logs of train_glint_unet (--log FILE) as a PNG: losses, localisation error, precision, "
               "recall and F1 per epoch; several logs are drawn overlaid, one colour per run. --table compares "
               "the runs in a table instead.",
               "glint_plot_log");
  setup(app, options);
  if (const auto code = glint::parse_command_line(app, argc, argv)) return *code;
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "glint_plot_log: " << e.what() << "\n";
    return 1;
  }
}
