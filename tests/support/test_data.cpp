// SPDX-License-Identifier: MIT
#include "test_data.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#ifndef GEOINR_DEFAULT_DATA_DIR
#define GEOINR_DEFAULT_DATA_DIR "../shared/data"
#endif

namespace geoinr::test
{

std::string dataDir()
{
    const char* env = std::getenv("GEOINR_DATA_DIR");
    return (env != nullptr && *env != '\0') ? env : GEOINR_DEFAULT_DATA_DIR;
}

std::string dataPath(const std::string& relative)
{
    const auto p = std::filesystem::path(dataDir()) / relative;
    return std::filesystem::exists(p) ? p.string() : std::string();
}

bool dataRequired()
{
    const char* env = std::getenv("GEOINR_REQUIRE_DATA");
    return env != nullptr && std::string(env) == "1";
}

std::string readFileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw std::runtime_error("cannot open " + path);
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

nlohmann::json loadJson(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw std::runtime_error("cannot open " + path);
    }
    try
    {
        return nlohmann::json::parse(in);
    }
    catch (const nlohmann::json::exception& e)
    {
        throw std::runtime_error(path + ": " + e.what());
    }
}

} // namespace geoinr::test
