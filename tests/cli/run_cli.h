// SPDX-License-Identifier: MIT
// Runs the geoinr executable (path from GEOINR_EXE) and captures its output and exit code.
#pragma once

#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>

namespace geoinr::test
{

struct RunResult
{
    int exitCode = -1;
    std::string output; // stdout and stderr together
};

/** Single-quoted for the shell (test paths contain no quote). */
inline std::string q(const std::string& s)
{
    return "'" + s + "'";
}

/** Runs a shell command line; stdout and stderr together. */
inline RunResult runCommand(const std::string& commandLine)
{
    const std::string cmd = commandLine + " 2>&1";
    RunResult r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr)
    {
        return r;
    }
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    {
        r.output.append(buf.data(), n);
    }
    const int status = pclose(pipe);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

#ifdef GEOINR_EXE
/** Runs geoinr with `args`. */
inline RunResult run(const std::string& args)
{
    return runCommand(std::string(GEOINR_EXE) + " " + args);
}
/**
 * Trains a two-species coordinate-only checkpoint (Alpha in Europe, Beta in North Africa) into
 * `dir` in about a second: 2 epochs, seed 3, a ResidualFCNet of width `hiddenDim`.
 */
inline std::string trainTinyModel(const std::string& dir, int hiddenDim)
{
    const auto csv = dir + "/occ.csv";
    std::ofstream(csv) << "species,lon,lat\n"
                          "Alpha,10,45\nAlpha,11,46\nAlpha,12,44\nAlpha,9.5,45.5\n"
                          "Beta,-5,35\nBeta,-6,36\nBeta,-4,34\nBeta,30,55\n";
    const auto ckpt = dir + "/tiny.ckpt";
    const auto r = run("train " + q(csv) + " -o " + q(ckpt) +
                       " --network '{\"name\": \"residual_fcnet\", \"hidden_dim\": " +
                       std::to_string(hiddenDim) + "}' --epochs 2 --threads 1 --seed 3 -q");
    if (r.exitCode != 0)
    {
        throw std::runtime_error("training the tiny model failed: " + r.output);
    }
    return ckpt;
}
#endif

} // namespace geoinr::test
