// SPDX-License-Identifier: MIT
#include "terminal_progress.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <unistd.h>

namespace geoinr::cli
{
namespace
{

std::atomic<bool> g_interrupted{false};

extern "C" void onSigint(int /*signal*/)
{
    g_interrupted.store(true);
}

struct ProgressState
{
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    int lastTick = -1; // GDAL-style ticks printed (0..40 by 2.5 %)
    bool tty = isatty(fileno(stderr)) != 0;
};

void drawBar(ProgressState& s, double fraction, const std::string& message)
{
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - s.start).count();
    const double eta = fraction > 0.0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    fmt::print(stderr, "\r[{}{}] {:3.0f}% {} | ETA {:.0f}s   ", std::string(filled, '='),
               std::string(width - filled, ' '), fraction * 100.0, message, eta);
    if (fraction >= 1.0)
    {
        fmt::print(stderr, "\n");
    }
    std::fflush(stderr);
}

void drawTicks(ProgressState& s, double fraction)
{
    const int tick = static_cast<int>(fraction * 40.0 + 1e-9);
    for (int t = s.lastTick + 1; t <= tick; ++t)
    {
        if (t % 4 == 0)
        {
            fmt::print(stderr, "{}", t * 10 / 4);
        }
        else
        {
            fmt::print(stderr, ".");
        }
    }
    if (tick >= 40 && s.lastTick < 40)
    {
        fmt::print(stderr, " - done.\n");
    }
    s.lastTick = tick;
    std::fflush(stderr);
}

} // namespace

core::ProgressSink makeTerminalProgress(bool quiet)
{
    std::signal(SIGINT, onSigint);
    auto state = std::make_shared<ProgressState>();
    return [state, quiet](double fraction, const std::string& message)
    {
        if (!quiet)
        {
            if (state->tty)
            {
                drawBar(*state, fraction, message);
            }
            else
            {
                drawTicks(*state, fraction);
            }
        }
        return !g_interrupted.load();
    };
}

bool interrupted()
{
    return g_interrupted.load();
}

} // namespace geoinr::cli
