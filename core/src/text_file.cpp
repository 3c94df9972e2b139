// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/core/text_file.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace geoinr::core
{

void writeTextFileAtomically(const std::string& path, const std::string& text)
{
    const auto tmp = fmt::format("{}.tmp-{}", path, getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out)
        {
            const auto why = std::strerror(errno);
            std::remove(tmp.c_str());
            throw IoError(fmt::format("{}: cannot write ({})", path, why));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        const auto why = std::strerror(errno);
        std::remove(tmp.c_str());
        throw IoError(fmt::format("{}: cannot move the finished file into place ({})", path, why));
    }
}

} // namespace geoinr::core
