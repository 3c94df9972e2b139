// SPDX-License-Identifier: MIT
// Fault injection on the real executable: `kill -9` at many moments of checkpoint and GeoTIFF
// writing leaves the previous complete file (or nothing) at the destination, never a partial one;
// a full disk (RLIMIT_FSIZE, as a small file system would) gives a clear error and no output.
#include "run_cli.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

namespace
{

namespace fs = std::filesystem;
using geoinr::test::run;
using geoinr::test::runCommand;

using geoinr::test::q;

/** 3,000 species with two records each: a 5 MB checkpoint whose writing takes a while. */
std::string manySpecies(const geoinr::test::TempDir& dir)
{
    const auto path = dir.file("many.csv");
    std::ofstream out(path);
    out << "species,lon,lat\n";
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> lon(-180, 180), lat(-60, 60);
    for (int s = 0; s < 3000; ++s)
    {
        for (int k = 0; k < 2; ++k)
        {
            out << "sp" << s << "," << lon(rng) << "," << lat(rng) << "\n";
        }
    }
    return path;
}

double secondsOf(const std::string& command)
{
    const auto start = std::chrono::steady_clock::now();
    const auto r = runCommand(command);
    EXPECT_EQ(r.exitCode, 0) << r.output;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/** Runs `command` in the background and kills it with SIGKILL after `seconds`. */
void killAfter(const std::string& command, double seconds)
{
    runCommand("( " + command + " & victim=$!; sleep " + std::to_string(seconds) +
               "; kill -9 $victim 2>/dev/null; wait $victim ) >/dev/null 2>&1");
}

/** Every file of `dir` other than `keep` must be a temporary (".tmp-") one. */
void onlyTemporariesBesides(const std::string& dir, const std::vector<std::string>& keep)
{
    for (const auto& e : fs::directory_iterator(dir))
    {
        const auto name = e.path().filename().string();
        if (std::find(keep.begin(), keep.end(), name) == keep.end())
        {
            EXPECT_NE(name.find(".tmp-"), std::string::npos) << "unexpected file " << name;
        }
    }
}

} // namespace

TEST(CliFaults, KilledCheckpointWritesLeaveThePreviousCompleteFile)
{
    geoinr::test::TempDir dir;
    const auto csv = manySpecies(dir);
    const auto ckpt = dir.file("model.ckpt");
    const auto train =
        std::string(GEOINR_EXE) + " train " + q(csv) + " --epochs 1 --threads 1 -q -o " + q(ckpt);
    const double full = secondsOf(train);
    ASSERT_TRUE(fs::exists(ckpt));
    // Kills spread over the second half of a run, where the checkpoint is written.
    for (int i = 0; i < 10; ++i)
    {
        killAfter(train, full * (0.45 + 0.06 * i));
        ASSERT_TRUE(fs::exists(ckpt)) << "kill " << i << " removed the previous checkpoint";
        const auto info = run("info " + q(ckpt));
        EXPECT_EQ(info.exitCode, 0) << "kill " << i << ": " << info.output;
    }
    onlyTemporariesBesides(dir.path(), {"many.csv", "model.ckpt"});
}

TEST(CliFaults, KilledPredictionsLeaveNothingOrACompleteRaster)
{
    geoinr::test::TempDir dir;
    const auto csv = manySpecies(dir);
    const auto ckpt = dir.file("model.ckpt");
    ASSERT_EQ(run("train " + q(csv) + " --epochs 1 --threads 1 -q -o " + q(ckpt)).exitCode, 0);
    const auto predict = [&](const std::string& out)
    {
        return std::string(GEOINR_EXE) + " predict " + q(ckpt) +
               " --species sp1 --resolution 0.5 --threads 1 -q -o " + q(out);
    };
    const double full = secondsOf(predict(dir.file("reference.tif")));
    const auto checksum = [](const std::string& path)
    {
        return runCommand("gdalinfo -checksum " + q(path) + " | grep Checksum").output;
    };
    const auto reference = checksum(dir.file("reference.tif"));
    ASSERT_NE(reference.find("Checksum="), std::string::npos);
    const auto out = dir.file("range.tif");
    for (int i = 0; i < 8; ++i)
    {
        killAfter(predict(out), full * (0.15 + 0.12 * i));
        if (fs::exists(out)) // complete, never partial
        {
            EXPECT_EQ(checksum(out), reference) << "kill " << i;
        }
    }
    onlyTemporariesBesides(dir.path(), {"many.csv", "model.ckpt", "reference.tif", "range.tif"});
}

TEST(CliFaults, AFullDiskGivesAClearErrorAndNoOutput)
{
    geoinr::test::TempDir dir;
    const auto csv = manySpecies(dir);
    // RLIMIT_FSIZE makes writes past the limit fail with EFBIG, as ENOSPC would on a full file
    // system; SIGXFSZ is ignored so the program sees the error instead of being killed.
    const auto limited = [](int kib, const std::string& args)
    {
        return runCommand("sh -c \"trap '' XFSZ; ulimit -f " + std::to_string(kib) + "; exec " +
                          GEOINR_EXE + " " + args + "\"");
    };
    const auto ckpt = dir.file("model.ckpt");
    auto r = limited(1024, "train " + q(csv) + " --epochs 1 --threads 1 -q -o " + q(ckpt));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("model.ckpt"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(ckpt));

    ASSERT_EQ(run("train " + q(csv) + " --epochs 1 --threads 1 -q -o " + q(ckpt)).exitCode, 0);
    const auto tif = dir.file("range.tif");
    r = limited(256, "predict " + q(ckpt) + " --species sp1 --resolution 0.5 -q -o " + q(tif));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("range.tif"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(tif));
    r = limited(256, "predict " + q(ckpt) + " --species sp1 --resolution 0.5 --format COG -q -o " +
                         q(tif));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_FALSE(fs::exists(tif));
    onlyTemporariesBesides(dir.path(), {"many.csv", "model.ckpt"});
    // Failed writes clean up after themselves: no temporary file either.
    for (const auto& e : fs::directory_iterator(dir.path()))
    {
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
    }
}
