// SPDX-License-Identifier: MIT
// SHA-256 against published test vectors (FIPS 180-2) and provenance blocks of a hand-made
// checkpoint.
#include "temp_dir.h"

#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/error.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/report/provenance.h>
#include <geoinr/report/sha256.h>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

namespace
{

using geoinr::test::TempDir;
namespace report = geoinr::report;

void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

// FIPS 180-2 appendix B test vectors.
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kMillionA =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Sha256, KnownDigestsOfStrings)
{
    EXPECT_EQ(report::sha256Hex("abc"), kAbc);
    EXPECT_EQ(report::sha256Hex(""), kEmpty);
    EXPECT_EQ(report::sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, FilesAreHashedInChunksToTheSameDigest)
{
    TempDir dir;
    writeBytes(dir.file("abc.txt"), "abc");
    EXPECT_EQ(report::sha256OfFile(dir.file("abc.txt")), kAbc);
    writeBytes(dir.file("empty"), "");
    EXPECT_EQ(report::sha256OfFile(dir.file("empty")), kEmpty);
    writeBytes(dir.file("million"), std::string(1000000, 'a'));
    EXPECT_EQ(report::sha256OfFile(dir.file("million")), kMillionA);
    // Larger than the 1 MiB read chunk: the same digest as hashing the bytes at once.
    std::string big(3 * 1024 * 1024 + 17, '\0');
    for (std::size_t i = 0; i < big.size(); ++i)
    {
        big[i] = static_cast<char>((i * 131) % 251);
    }
    writeBytes(dir.file("big"), big);
    EXPECT_EQ(report::sha256OfFile(dir.file("big")), report::sha256Hex(big));
}

TEST(Sha256, MissingFileIsNamed)
{
    try
    {
        report::sha256OfFile("/nonexistent/geoinr/file.csv");
        FAIL() << "expected IoError";
    }
    catch (const geoinr::IoError& e)
    {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/geoinr/file.csv"), std::string::npos)
            << e.what();
    }
}

/** A valid checkpoint file with a header as training writes it, and one small tensor. */
std::string writeCheckpoint(const TempDir& dir)
{
    geoinr::core::CheckpointContents c;
    c.header = {{"format", "geoinr-checkpoint"},
                {"model", {{"input", "coords"}, {"encoder", {{"name", "wrap"}}}, {"seed", 5}}},
                {"metadata",
                 {{"species", {"Alpha", "Beta"}},
                  {"training", {{"seed", 42}, {"epochs", 3}, {"loss", "an_full"}}}}}};
    geoinr::core::RawTensor t;
    t.name = "w";
    t.shape = {2};
    t.data.assign(8, 0);
    c.tensors.push_back(t);
    const auto path = dir.file("model.ckpt");
    geoinr::core::writeCheckpointFile(path, c);
    return path;
}

TEST(Provenance, RecordsHashesSeedAndTrainingSettings)
{
    TempDir dir;
    const auto ckpt = writeCheckpoint(dir);
    writeBytes(dir.file("sites.csv"), "abc");
    const auto p = report::provenance(ckpt, {dir.file("sites.csv"), ""}, "geoinr evaluate x");
    EXPECT_EQ(p.at("geoinr_version"), geoinr::core::geoinrVersion());
    EXPECT_EQ(p.at("command_line"), "geoinr evaluate x");
    EXPECT_TRUE(std::regex_match(p.at("created").get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
        << p.at("created");
    const auto& c = p.at("checkpoint");
    EXPECT_EQ(c.at("path"), ckpt);
    std::ifstream in(ckpt, std::ios::binary | std::ios::ate);
    EXPECT_EQ(c.at("bytes").get<long>(), static_cast<long>(in.tellg()));
    EXPECT_EQ(c.at("sha256"), report::sha256OfFile(ckpt));
    EXPECT_EQ(c.at("seed").get<int>(), 42); // the training seed, not the model's init seed
    EXPECT_EQ(c.at("training").at("epochs").get<int>(), 3);
    EXPECT_EQ(c.at("training").at("loss"), "an_full");
    EXPECT_EQ(c.at("model").at("encoder").at("name"), "wrap");
    EXPECT_EQ(c.at("species").get<int>(), 2);
    ASSERT_EQ(p.at("data").size(), 1u); // the empty (not given) input is skipped
    EXPECT_EQ(p.at("data").at(0).at("path"), dir.file("sites.csv"));
    EXPECT_EQ(p.at("data").at(0).at("bytes").get<int>(), 3);
    EXPECT_EQ(p.at("data").at(0).at("sha256"), kAbc);
    EXPECT_FALSE(report::provenance(ckpt, {}).contains("command_line"));
}

TEST(Provenance, MissingDataFileAndBadCheckpointAreNamed)
{
    TempDir dir;
    const auto ckpt = writeCheckpoint(dir);
    try
    {
        report::provenance(ckpt, {dir.file("missing.csv")});
        FAIL() << "expected IoError";
    }
    catch (const geoinr::IoError& e)
    {
        EXPECT_NE(std::string(e.what()).find("missing.csv"), std::string::npos) << e.what();
    }
    writeBytes(dir.file("not.ckpt"), "not a checkpoint");
    EXPECT_THROW(report::provenance(dir.file("not.ckpt"), {}), geoinr::CheckpointError);
}

TEST(Provenance, CommandLineQuotesArgumentsWithSpaces)
{
    const char* argv[] = {"geoinr", "evaluate", "a b.csv", "it's"};
    EXPECT_EQ(report::joinCommandLine(4, argv), R"(geoinr evaluate 'a b.csv' 'it'\''s')");
    // This test binary's own command line starts with its path.
    EXPECT_NE(report::currentCommandLine().find("report_tests"), std::string::npos);
}

} // namespace
