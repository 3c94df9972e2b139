// SPDX-License-Identifier: MIT
#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/error.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/report/provenance.h>
#include <geoinr/report/sha256.h>

#include <QDateTime>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace geoinr::report
{

nlohmann::json fileRecord(const std::string& path)
{
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (ec)
    {
        throw IoError(fmt::format("{}: cannot read its size ({})", path, ec.message()));
    }
    return {{"path", path}, {"bytes", bytes}, {"sha256", sha256OfFile(path)}};
}

std::string utcTimestamp()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
}

nlohmann::json provenance(const std::string& checkpoint, const std::vector<std::string>& dataFiles,
                          const std::string& commandLine)
{
    nlohmann::json out;
    out["geoinr_version"] = core::geoinrVersion();
    if (!commandLine.empty())
    {
        out["command_line"] = commandLine;
    }
    out["created"] = utcTimestamp();

    auto ckpt = fileRecord(checkpoint);
    // Header only: the tensors are not needed (the checksum is still verified).
    const auto header = core::readCheckpointFile(checkpoint, true).header;
    const auto metadata = header.value("metadata", nlohmann::json::object());
    const auto training = metadata.value("training", nlohmann::json::object());
    ckpt["seed"] =
        training.contains("seed")
            ? training.at("seed")
            : header.value("model", nlohmann::json::object()).value("seed", nlohmann::json());
    ckpt["training"] = training;
    ckpt["model"] = header.value("model", nlohmann::json::object());
    if (metadata.contains("species"))
    {
        ckpt["species"] = metadata.at("species").size();
    }
    out["checkpoint"] = ckpt;

    out["data"] = nlohmann::json::array();
    for (const auto& path : dataFiles)
    {
        if (!path.empty())
        {
            out["data"].push_back(fileRecord(path));
        }
    }
    return out;
}

std::string joinCommandLine(int argc, const char* const* argv)
{
    std::string out;
    for (int i = 0; i < argc; ++i)
    {
        std::string arg = argv[i];
        if (arg.empty() || arg.find_first_of(" \t'\"\\$") != std::string::npos)
        {
            std::string quoted = "'";
            for (char c : arg)
            {
                quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
            }
            arg = quoted + "'";
        }
        out += (i == 0 ? "" : " ") + arg;
    }
    return out;
}

std::string currentCommandLine()
{
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    for (std::size_t start = 0; start < raw.size();)
    {
        const auto end = raw.find('\0', start);
        args.push_back(
            raw.substr(start, end == std::string::npos ? std::string::npos : end - start));
        start = end == std::string::npos ? raw.size() : end + 1;
    }
    std::vector<const char*> argv;
    for (const auto& a : args)
    {
        argv.push_back(a.c_str());
    }
    return joinCommandLine(static_cast<int>(argv.size()), argv.data());
}

} // namespace geoinr::report
