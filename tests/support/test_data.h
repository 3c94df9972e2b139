// SPDX-License-Identifier: MIT
// Locating shared test data (../shared/data) from tests.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace geoinr::test
{

/** GEOINR_DATA_DIR from the environment, else the directory configured at build time. */
std::string dataDir();

/** Full path of `relative` under dataDir(), or "" when it does not exist. */
std::string dataPath(const std::string& relative);

/** True when GEOINR_REQUIRE_DATA=1: missing data must fail a test instead of skipping it. */
bool dataRequired();

/** Parses a JSON file; throws std::runtime_error naming the file on failure. */
nlohmann::json loadJson(const std::string& path);

/** The whole file as bytes; throws std::runtime_error naming the file when it cannot be read. */
std::string readFileBytes(const std::string& path);

} // namespace geoinr::test

/**
 * In a TEST body: sets `var` to the path of `relative` under the shared data dir, or skips the
 * test (fails it when GEOINR_REQUIRE_DATA=1) when the file is missing.
 */
#define GEOINR_REQUIRE_DATA_FILE(var, relative)                                                    \
    const std::string var = ::geoinr::test::dataPath(relative);                                    \
    if (var.empty())                                                                               \
    {                                                                                              \
        if (::geoinr::test::dataRequired())                                                        \
        {                                                                                          \
            FAIL() << "missing shared test data " << (relative) << " under "                       \
                   << ::geoinr::test::dataDir() << " (GEOINR_REQUIRE_DATA=1)";                     \
        }                                                                                          \
        GTEST_SKIP() << "shared test data " << (relative) << " not found under "                   \
                     << ::geoinr::test::dataDir();                                                 \
    }
