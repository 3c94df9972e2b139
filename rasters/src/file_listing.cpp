// SPDX-License-Identifier: MIT
#include "file_listing.h"

#include <geoinr/core/error.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace geoinr::rasters::detail
{
namespace
{

bool isDigit(char c)
{
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

/** Compares the digit runs a[i..] and b[j..] as numbers; advances i and j past them. */
int compareNumbers(const std::string& a, std::size_t& i, const std::string& b, std::size_t& j)
{
    const auto run = [](const std::string& s, std::size_t& k)
    {
        while (k < s.size() && s[k] == '0' && k + 1 < s.size() && isDigit(s[k + 1]))
        {
            ++k; // leading zeros do not count
        }
        const std::size_t start = k;
        while (k < s.size() && isDigit(s[k]))
        {
            ++k;
        }
        return s.substr(start, k - start);
    };
    const std::string x = run(a, i);
    const std::string y = run(b, j);
    if (x.size() != y.size())
    {
        return x.size() < y.size() ? -1 : 1;
    }
    return x.compare(y);
}

} // namespace

bool naturalLess(const std::string& a, const std::string& b)
{
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size())
    {
        if (isDigit(a[i]) && isDigit(b[j]))
        {
            const int c = compareNumbers(a, i, b, j);
            if (c != 0)
            {
                return c < 0;
            }
            continue;
        }
        if (a[i] != b[j])
        {
            return a[i] < b[j];
        }
        ++i;
        ++j;
    }
    if ((a.size() - i) != (b.size() - j))
    {
        return (a.size() - i) < (b.size() - j);
    }
    return a < b; // equal up to leading zeros: any fixed order
}

std::vector<std::string> listRasters(const std::string& folder)
{
    namespace fs = std::filesystem;
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec))
    {
        std::string ext = entry.path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if ((ext == ".tif" || ext == ".tiff") && entry.is_regular_file())
        {
            names.push_back(entry.path().filename().string());
        }
    }
    if (ec)
    {
        throw IoError("cannot list covariate folder '" + folder + "': " + ec.message());
    }
    if (names.empty())
    {
        throw IoError("covariate folder '" + folder + "' has no .tif/.tiff files");
    }
    std::sort(names.begin(), names.end(), naturalLess);
    std::vector<std::string> paths;
    paths.reserve(names.size());
    for (const auto& name : names)
    {
        paths.push_back((fs::path(folder) / name).string());
    }
    return paths;
}

std::string fileStem(const std::string& path)
{
    return std::filesystem::path(path).stem().string();
}

} // namespace geoinr::rasters::detail
