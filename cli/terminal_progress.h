// SPDX-License-Identifier: MIT
// Terminal progress for long CLI work: a bar with ETA on a terminal, GDAL-style "0...10...20"
// otherwise; Ctrl-C makes the sink return false so the work stops cleanly (exit 130).
#pragma once

#include <geoinr/core/progress.h>

namespace geoinr::cli
{

/** A ProgressSink writing to stderr; silent when `quiet`. Installs a SIGINT handler. */
core::ProgressSink makeTerminalProgress(bool quiet);

/** True once Ctrl-C was pressed while a terminal progress sink was active. */
bool interrupted();

} // namespace geoinr::cli
