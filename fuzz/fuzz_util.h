// SPDX-License-Identifier: MIT
// Shared by the fuzz harnesses: a scratch file per process for parsers that read paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace geoinr::fuzz
{

/** A folder of this process under the temp dir (created once). */
inline const std::string& scratchDir()
{
    static const std::string dir = []
    {
        const auto p =
            std::filesystem::temp_directory_path() / ("geoinr_fuzz_" + std::to_string(::getpid()));
        std::filesystem::create_directories(p);
        return p.string();
    }();
    return dir;
}

/** Writes the input to <scratch>/<name> and returns the path. */
inline std::string writeInput(const std::uint8_t* data, std::size_t size, const std::string& name)
{
    const auto path = scratchDir() + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}

} // namespace geoinr::fuzz
