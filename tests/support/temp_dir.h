// SPDX-License-Identifier: MIT
// A temporary folder per test, removed with everything in it (shared by the test suites).
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace geoinr::test
{

/** A fresh folder under the system temp dir, removed with everything in it. */
class TempDir
{
  public:
    TempDir()
    {
        static std::atomic<int> counter{0};
        m_path = std::filesystem::temp_directory_path() /
                 ("geoinr_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (m_path / name).string(); }
    std::string path() const { return m_path.string(); }

  private:
    std::filesystem::path m_path;
};

} // namespace geoinr::test
