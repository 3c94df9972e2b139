// SPDX-License-Identifier: MIT
// Data-parallel `geoinr train` on 127.0.0.1 (c10d/Gloo): two processes reach the weights of one
// process with the same global batch (up to float summation order), and a rank that dies or never
// comes ends the other with an error instead of a hang, leaving no checkpoint.
#include "raster_pixels.h"
#include "run_cli.h"
#include "temp_dir.h"
#include "test_data.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace
{

using geoinr::test::run;
using geoinr::test::runCommand;

using geoinr::test::q;

/** A port of its own for each test of each test process (ctest runs two at once): 8 per pid. */
int freePort(int offset)
{
    return 20000 + static_cast<int>(::getpid() % 5000) * 8 + offset;
}

/** Bradypus on the WorldClim stack, env+coords, no dropout (its masks depend on the rows a
 *  process holds), a per-species cap and 4 steps of 16 records. */
std::string trainArgs(const std::string& sa, int epochs = 1)
{
    return "train " + q(sa + "/bradypus.csv") + " --covariates " + q(sa + "/sa_bio_stack.tif") +
           " --input env+coords --pseudo-absences valid_area --cap 64 --batch-size 16 --epochs " +
           std::to_string(epochs) +
           " "
           "--network '{\"name\":\"residual_fcnet\",\"dropout\":0}' --threads 1 --seed 5 -q";
}

/** Logits of the model's (one) species on the covariates' grid. */
std::vector<float> logits(const std::string& ckpt, const std::string& tif)
{
    const auto r = run("predict " + q(ckpt) + " --logits --resolution 0.5 -q -o " + q(tif));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    return geoinr::test::readFile(tif);
}

} // namespace

TEST(CliDistributed, TwoRanksTrainTheWeightsOfOneProcess)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    const auto sa = std::filesystem::path(csv).parent_path().string();
    geoinr::test::TempDir dir;
    const auto one = dir.file("one.ckpt"), two = dir.file("two.ckpt");
    ASSERT_EQ(run(trainArgs(sa) + " -o " + q(one)).exitCode, 0);
    const auto rank = [&](int r)
    {
        return std::string(GEOINR_EXE) + " " + trainArgs(sa) + " -o " + q(two) +
               " --world-size 2 --master-port " + std::to_string(freePort(1)) +
               " --dist-timeout 60 --rank " + std::to_string(r);
    };
    const auto both =
        runCommand("(" + rank(1) + " & " + rank(0) + "; s=$?; wait $! || s=1; exit $s)");
    ASSERT_EQ(both.exitCode, 0) << both.output;

    const auto info = nlohmann::json::parse(run("info " + q(two) + " --json").output);
    const auto& training = info.at("metadata").at("training");
    EXPECT_EQ(training.at("world_size"), 2);
    EXPECT_EQ(training.at("records_used"), 64); // the cap chose among both ranks' records

    // Same global batches, pseudo-absences and cap: the same model up to float summation order
    // (measured: 1e-6 in the logits after these 4 Adam steps; Adam amplifies such differences
    // over many steps, so longer runs agree less closely).
    const auto a = logits(one, dir.file("one.tif"));
    const auto b = logits(two, dir.file("two.tif"));
    ASSERT_EQ(a.size(), b.size());
    double worst = 0.0, spread = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (std::isfinite(a[i]))
        {
            worst = std::max(worst, static_cast<double>(std::abs(a[i] - b[i])));
            spread = std::max(spread, static_cast<double>(std::abs(a[i])));
        }
    }
    EXPECT_LT(worst, 1e-4) << "largest logit " << spread;
    EXPECT_GT(spread, 0.1); // a trained model, not constants
}

TEST(CliDistributed, ADeadRankEndsTheOtherWithAnErrorAndNoCheckpoint)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    const auto sa = std::filesystem::path(csv).parent_path().string();
    geoinr::test::TempDir dir;
    const auto out = dir.file("dead.ckpt");
    const auto common = std::string(GEOINR_EXE) + " " + trainArgs(sa, 100000) + " -o " + q(out) +
                        " --world-size 2 --dist-timeout 20 --master-port " +
                        std::to_string(freePort(2));
    // Rank 1 is killed after a second of training; rank 0 must notice and stop by itself: exit 1
    // with its own message. `timeout` (exit 124, no message) only guards against a hang; no
    // wall-clock bound, which failed on a loaded machine.
    const auto r =
        runCommand("( (" + common + " --rank 1 & victim=$!; sleep 1.5; kill -9 $victim) & " +
                   "timeout 300 " + common + " --rank 0; s=$?; wait; exit $s )");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("distributed: rank 0 of 2"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliDistributed, AMissingRankTimesOutWithAClearError)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    const auto sa = std::filesystem::path(csv).parent_path().string();
    geoinr::test::TempDir dir;
    const auto out = dir.file("alone.ckpt");
    const auto r = run(trainArgs(sa) + " -o " + q(out) + " --world-size 2 --rank 0 --master-port " +
                       std::to_string(freePort(3)) + " --dist-timeout 2");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("rank 0 of 2 could not join the group at 127.0.0.1:"),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(std::filesystem::exists(out));

    const auto bad = run(trainArgs(sa) + " -o " + q(out) + " --world-size 2 --rank 2");
    EXPECT_EQ(bad.exitCode, 2) << bad.output;
    EXPECT_NE(bad.output.find("--rank 2: expected 0..1"), std::string::npos) << bad.output;
}

TEST(CliDistributed, TwoRanksPredictPartsWhoseMosaicEqualsOneProcess)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    const auto sa = std::filesystem::path(csv).parent_path().string();
    geoinr::test::TempDir dir;
    const auto ckpt = dir.file("m.ckpt");
    ASSERT_EQ(run(trainArgs(sa) + " -o " + q(ckpt)).exitCode, 0);
    const auto grid = " --resolution 0.1 --format COG -q";
    ASSERT_EQ(run("predict " + q(ckpt) + grid + " -o " + q(dir.file("one.tif"))).exitCode, 0);
    // As a launcher starts them: same command, RANK and WORLD_SIZE in the environment.
    const auto rank = [&](int r)
    {
        return "WORLD_SIZE=2 RANK=" + std::to_string(r) +
               " MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(freePort(4)) + " " +
               GEOINR_EXE + " predict " + q(ckpt) + grid + " --merge -o " + q(dir.file("two.tif"));
    };
    const auto both =
        runCommand("(" + rank(1) + " & " + rank(0) + "; s=$?; wait $! || s=1; exit $s)");
    ASSERT_EQ(both.exitCode, 0) << both.output;
    EXPECT_TRUE(std::filesystem::exists(dir.file("two.part0of2.tif")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("two.part1of2.tif")));
    EXPECT_TRUE(std::filesystem::exists(dir.file("two.vrt")));
    const auto one = geoinr::test::readFile(dir.file("one.tif"));
    for (const auto* name : {"two.tif", "two.vrt"})
    {
        const auto joined = geoinr::test::readFile(dir.file(name));
        ASSERT_EQ(joined.size(), one.size()) << name;
        EXPECT_EQ(std::memcmp(joined.data(), one.data(), one.size() * sizeof(float)), 0) << name;
    }
}

TEST(CliDistributed, AnInterruptedTwoRankRunResumesInOneProcess)
{
    GEOINR_REQUIRE_DATA_FILE(csv, "worldclim_sa/bradypus.csv");
    const auto sa = std::filesystem::path(csv).parent_path().string();
    geoinr::test::TempDir dir;
    const auto ckpt = dir.file("resumable.ckpt");
    const auto args = trainArgs(sa, 800) + " -o " + q(ckpt);
    const auto rank = [&](int r)
    {
        return std::string(GEOINR_EXE) + " " + args + " --world-size 2 --dist-timeout 30 " +
               "--master-port " + std::to_string(freePort(5)) + " --rank " + std::to_string(r);
    };
    // Ctrl-C reaches rank 0 only; rank 1 learns it through the group and stops at the same step.
    const auto r = runCommand("( " + rank(1) + " & other=$!; " + rank(0) +
                              " & leader=$!; sleep 1.5; kill -INT $leader; wait $leader; a=$?; " +
                              "wait $other; b=$?; echo \"exit $a $b\" )");
    EXPECT_NE(r.output.find("exit 130 130"), std::string::npos) << r.output;
    const auto info = nlohmann::json::parse(run("info " + q(ckpt) + " --json").output);
    const auto& state = info.at("metadata").at("training_state");
    EXPECT_FALSE(state.at("complete").get<bool>());
    const auto resumed = run(args + " --resume " + q(ckpt));
    ASSERT_EQ(resumed.exitCode, 0) << resumed.output;
    const auto done = nlohmann::json::parse(run("info " + q(ckpt) + " --json").output);
    EXPECT_TRUE(done.at("metadata").at("training_state").at("complete").get<bool>());
    EXPECT_EQ(done.at("metadata").at("training").at("records_used"), 64);
}
