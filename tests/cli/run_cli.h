// SPDX-License-Identifier: MIT
// Runs the geoinr executable (path from GEOINR_EXE) and captures its output and exit code.
#pragma once

#include <array>
#include <cstdio>
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
#endif

} // namespace geoinr::test
