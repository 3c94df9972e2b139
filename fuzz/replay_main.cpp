// SPDX-License-Identifier: MIT
// Replays a harness on every file of its corpus (the committed seeds, fuzzer finds and crash
// reproducers) without libFuzzer: part of the normal test suite with any compiler.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv)
{
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i)
    {
        std::vector<std::filesystem::path> files;
        if (std::filesystem::is_directory(argv[i]))
        {
            for (const auto& e : std::filesystem::directory_iterator(argv[i]))
            {
                files.push_back(e.path());
            }
        }
        else
        {
            files.emplace_back(argv[i]);
        }
        for (const auto& f : files)
        {
            std::ifstream in(f, std::ios::binary);
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                   bytes.size());
            ++count;
        }
    }
    std::printf("replayed %zu inputs\n", count);
    return count > 0 ? 0 : 1;
}
