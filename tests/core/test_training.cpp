// SPDX-License-Identifier: MIT
// Presence-only training: learning a known pattern, reproducibility, resume equivalence, every loss
// and pseudo-absence kind, and clear errors.
#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/core/training.h>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <random>
#include <set>

namespace
{

namespace fs = std::filesystem;
using geoinr::core::PseudoAbsenceKind;
using geoinr::core::TrainingSet;
using geoinr::core::TrainOptions;

/** Species "north" lives around (20E, 45N), "south" around (-60E, -20N); one covariate = lat/90. */
TrainingSet twoSpecies(std::size_t perSpecies = 200)
{
    TrainingSet d;
    d.speciesNames = {"north", "south"};
    d.envNames = {"lat_scaled"};
    std::mt19937 rng(5);
    std::normal_distribution<float> jitter(0.0f, 5.0f);
    for (std::size_t i = 0; i < perSpecies; ++i)
    {
        for (int s = 0; s < 2; ++s)
        {
            const float lon = (s == 0 ? 20.0f : -60.0f) + jitter(rng);
            const float lat = (s == 0 ? 45.0f : -20.0f) + jitter(rng);
            d.classIds.push_back(s);
            d.lonLat.push_back(lon);
            d.lonLat.push_back(lat);
            d.env.push_back(lat / 90.0f);
        }
    }
    return d;
}

TrainOptions smallOptions(const std::string& ckpt)
{
    TrainOptions o;
    o.model = {{"input", "coords"},
               {"encoder", {{"name", "wrap"}}},
               {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 32}, {"num_blocks", 1}}}};
    o.epochs = 4;
    o.batchSize = 64;
    o.learningRate = 5e-3;
    o.positiveWeight = 16;
    o.checkpointPath = ckpt;
    return o;
}

class TrainingTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        at::set_num_threads(1);
        m_dir = fs::temp_directory_path() /
                ("geoinr_train_" + std::to_string(::getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    std::string path(const std::string& n) const { return (m_dir / n).string(); }

    /** All model tensors of a checkpoint, by name (extra. tensors excluded). */
    static std::map<std::string, std::vector<std::uint8_t>> weights(const std::string& p)
    {
        std::map<std::string, std::vector<std::uint8_t>> out;
        for (const auto& t : geoinr::core::readCheckpointFile(p).tensors)
        {
            if (t.name.rfind("extra.", 0) != 0)
            {
                out[t.name] = t.data;
            }
        }
        return out;
    }

    fs::path m_dir;
};

TEST_F(TrainingTest, LearnsWhereEachSpeciesLives)
{
    const auto data = twoSpecies();
    auto o = smallOptions(path("m.ckpt"));
    o.epochs = 15;
    const auto report = geoinr::core::trainRangeModel(data, o);
    EXPECT_EQ(report.epochsCompleted, 15);
    EXPECT_EQ(report.recordsUsed, 400);
    EXPECT_GT(report.samplesPerSecond, 0.0);
    auto loaded = geoinr::core::loadCheckpoint(path("m.ckpt"));
    const auto probe =
        torch::tensor({20.0f, 45.0f, -60.0f, -20.0f, 150.0f, -60.0f}).reshape({3, 2});
    const auto p = torch::sigmoid(loaded.model->forward(probe));
    // Each species is likelier at its own centre than at the other's and than in the far ocean.
    EXPECT_GT(p[0][0].item<float>(), p[1][0].item<float>());
    EXPECT_GT(p[1][1].item<float>(), p[0][1].item<float>());
    EXPECT_GT(p[0][0].item<float>(), p[2][0].item<float>());
    EXPECT_GT(p[0][0].item<float>(), 0.5f);
    EXPECT_LT(p[2][0].item<float>(), 0.2f);
    const auto& meta = loaded.header.at("metadata");
    EXPECT_EQ(meta.at("species")[1], "south");
    EXPECT_EQ(meta.at("training").at("loss"), "an_full");
    EXPECT_TRUE(meta.at("training_state").at("complete").get<bool>());
    // What reproducing the weights bit for bit also needs.
    const auto& runtime = meta.at("training").at("runtime");
    EXPECT_EQ(runtime.at("gemm"), geoinr::core::trainingGemmLibrary());
    EXPECT_EQ(runtime.at("torch_threads").get<int>(), geoinr::core::torchThreads());
    EXPECT_EQ(runtime.at("device"), "cpu");
}

TEST_F(TrainingTest, SameSeedGivesTheSameCheckpoint)
{
    const auto data = twoSpecies(60);
    geoinr::core::trainRangeModel(data, smallOptions(path("a.ckpt")));
    geoinr::core::trainRangeModel(data, smallOptions(path("b.ckpt")));
    EXPECT_TRUE(weights(path("a.ckpt")) == weights(path("b.ckpt")));
    auto other = smallOptions(path("c.ckpt"));
    other.seed = 1;
    geoinr::core::trainRangeModel(data, other);
    EXPECT_FALSE(weights(path("a.ckpt")) == weights(path("c.ckpt")));
}

TEST_F(TrainingTest, ResumeAfterCancelReachesTheSameWeights)
{
    const auto data = twoSpecies(60);
    geoinr::core::trainRangeModel(data, smallOptions(path("full.ckpt")));

    int calls = 0;
    const auto cancelAt5 = [&](double, const std::string&)
    {
        return ++calls < 5;
    };
    const auto partial = geoinr::core::trainRangeModel(data, smallOptions(path("part.ckpt")),
                                                       nullptr, nullptr, cancelAt5);
    ASSERT_TRUE(partial.cancelled);
    EXPECT_EQ(partial.stepsCompleted, 5);
    const auto header = geoinr::core::readCheckpointFile(path("part.ckpt"), true).header;
    EXPECT_FALSE(header.at("metadata").at("training_state").at("complete").get<bool>());

    auto resumed = smallOptions(path("resumed.ckpt"));
    resumed.resumeFrom = path("part.ckpt");
    const auto r = geoinr::core::trainRangeModel(data, resumed);
    EXPECT_FALSE(r.cancelled);
    EXPECT_TRUE(weights(path("full.ckpt")) == weights(path("resumed.ckpt")));

    // Resuming a finished run, or with another seed, is refused with a reason.
    auto again = smallOptions(path("x.ckpt"));
    again.resumeFrom = path("full.ckpt");
    EXPECT_THROW(geoinr::core::trainRangeModel(data, again), geoinr::InvalidArgument);
    auto otherSeed = smallOptions(path("y.ckpt"));
    otherSeed.resumeFrom = path("part.ckpt");
    otherSeed.seed = 9;
    try
    {
        geoinr::core::trainRangeModel(data, otherSeed);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("'seed'"), std::string::npos) << e.what();
    }
}

TEST_F(TrainingTest, EveryLossTrainsToAFiniteLoss)
{
    const auto data = twoSpecies(40);
    for (const auto* loss :
         {"an_full", "an_ssdl", "an_slds", "me_full", "me_ssdl", "me_slds", "gp"})
    {
        auto o = smallOptions("");
        o.loss = loss;
        o.epochs = 2;
        const auto r = geoinr::core::trainRangeModel(data, o);
        EXPECT_TRUE(std::isfinite(r.finalLoss)) << loss;
        EXPECT_EQ(r.epochsCompleted, 2) << loss;
    }
}

TEST_F(TrainingTest, PseudoAbsenceKindsAndEnvInputs)
{
    const auto data = twoSpecies(40);
    // A 2-degree global grid whose single covariate is lat/90 (like the records' env).
    geoinr::core::EnvGridData grid;
    grid.width = 180;
    grid.height = 90;
    grid.channels = 1;
    grid.resolution = 2.0;
    for (std::int64_t r = 0; r < grid.height; ++r)
    {
        for (std::int64_t c = 0; c < grid.width; ++c)
        {
            const double lat = 90.0 - (r + 0.5) * 2.0;
            // The southern polar cap has no data: valid_area must never draw there.
            grid.values.push_back(lat < -60.0 ? NAN : static_cast<float>(lat / 90.0));
        }
    }
    geoinr::core::BackgroundSet background;
    background.lonLat = {0.0f, 0.0f, 100.0f, 10.0f, -120.0f, -40.0f};
    background.env = {0.0f, 10.0f / 90.0f, -40.0f / 90.0f};

    for (const auto* input : {"coords", "env", "env+coords"})
    {
        for (auto kind : {PseudoAbsenceKind::Sphere, PseudoAbsenceKind::ValidArea,
                          PseudoAbsenceKind::TargetGroup, PseudoAbsenceKind::Background})
        {
            auto o = smallOptions("");
            o.model["input"] = input;
            o.pseudoAbsences = kind;
            o.epochs = 1;
            const auto r = geoinr::core::trainRangeModel(data, o, &background, &grid);
            EXPECT_TRUE(std::isfinite(r.finalLoss))
                << input << " " << geoinr::core::pseudoAbsenceKindName(kind);
        }
    }
    // Env input with sphere pseudo-absences but no grid: the error says what to use instead.
    auto o = smallOptions("");
    o.model["input"] = "env";
    try
    {
        geoinr::core::trainRangeModel(data, o);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("'background' or 'target_group'"), std::string::npos)
            << e.what();
    }
}

TEST_F(TrainingTest, CapKeepsAtMostNPerSpecies)
{
    auto data = twoSpecies(50);
    auto o = smallOptions("");
    o.capPerSpecies = 7;
    o.epochs = 1;
    EXPECT_EQ(geoinr::core::trainRangeModel(data, o).recordsUsed, 14);
}

TEST_F(TrainingTest, BadOptionsNameTheOption)
{
    const auto data = twoSpecies(5);
    auto o = smallOptions("");
    o.loss = "an_fool";
    EXPECT_THROW(geoinr::core::trainRangeModel(data, o), geoinr::InvalidArgument);
    o = smallOptions("");
    o.epochs = 0;
    try
    {
        geoinr::core::trainRangeModel(data, o);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("--epochs"), std::string::npos);
    }
    auto bad = data;
    bad.lonLat[3] = 91.0f; // record 1 latitude
    EXPECT_THROW(geoinr::core::trainRangeModel(bad, smallOptions("")), geoinr::InvalidArgument);
}

} // namespace

// Internals of the pseudo-absence machinery, tested directly.
#include "../../core/src/training/env_grid.h"

namespace
{

geoinr::core::EnvGridData latitudeGrid(double res)
{
    geoinr::core::EnvGridData g;
    g.width = static_cast<std::int64_t>(360.0 / res);
    g.height = static_cast<std::int64_t>(180.0 / res);
    g.channels = 1;
    g.resolution = res;
    for (std::int64_t r = 0; r < g.height; ++r)
    {
        for (std::int64_t c = 0; c < g.width; ++c)
        {
            g.values.push_back(static_cast<float>(90.0 - (r + 0.5) * res)); // value = cell lat
        }
    }
    return g;
}

TEST(EnvGrid, BilinearBetweenCellCentresAndLongitudeWrap)
{
    const geoinr::core::training::EnvGrid grid(latitudeGrid(2.0), torch::kCPU);
    // Cell centres sit at odd latitudes; halfway between two centres is their mean.
    const auto pts = torch::tensor({10.0f, 45.0f, 10.0f, 44.0f, 179.5f, -13.0f, -179.5f, -13.0f})
                         .reshape({4, 2});
    const auto v = grid.sample(pts);
    EXPECT_NEAR(v[0][0].item<float>(), 45.0f, 1e-4);
    EXPECT_NEAR(v[1][0].item<float>(), 44.0f, 1e-4);
    EXPECT_NEAR(v[2][0].item<float>(), -13.0f, 1e-4);
    EXPECT_NEAR(v[3][0].item<float>(), v[2][0].item<float>(), 1e-5); // across the antimeridian
}

TEST(EnvGrid, ValidAreaDrawsAreAreaWeightedAndRespectTheMask)
{
    auto data = latitudeGrid(1.0);
    auto gen = at::detail::createCPUGenerator(11);
    {
        const geoinr::core::training::EnvGrid grid(data, torch::kCPU);
        const auto pts = grid.drawValidArea(20000, gen, {});
        const auto lat = pts.select(1, 1);
        // On a sphere, |lat| < 30 is half of the area.
        const double share = (lat.abs() < 30.0).to(torch::kDouble).mean().item<double>();
        EXPECT_NEAR(share, 0.5, 0.02);
    }
    data.drawMask.assign(static_cast<std::size_t>(data.width * data.height), 0);
    for (std::int64_t r = 0; r < data.height / 2; ++r) // northern hemisphere only
    {
        for (std::int64_t c = 0; c < data.width; ++c)
        {
            data.drawMask[static_cast<std::size_t>(r * data.width + c)] = 1;
        }
    }
    const geoinr::core::training::EnvGrid masked(data, torch::kCPU);
    const auto pts = masked.drawValidArea(5000, gen, {});
    EXPECT_GE(pts.select(1, 1).min().item<float>(), 0.0f);
    const auto boxed = masked.drawValidArea(2000, gen, {-10.0, 10.0, 20.0, 40.0});
    EXPECT_GE(boxed.select(1, 0).min().item<float>(), -10.5f);
    EXPECT_LE(boxed.select(1, 0).max().item<float>(), 10.5f);
    EXPECT_GE(boxed.select(1, 1).min().item<float>(), 19.5f);
    EXPECT_LE(boxed.select(1, 1).max().item<float>(), 40.5f);
}

TEST_F(TrainingTest, LearningRateSchedulesAreRecordedAndChecked)
{
    const auto data = twoSpecies(10);
    auto o = smallOptions(path("cos.ckpt"));
    o.lrSchedule = "cosine";
    o.epochs = 2;
    geoinr::core::trainRangeModel(data, o);
    const auto header = geoinr::core::readCheckpointFile(path("cos.ckpt"), true).header;
    EXPECT_EQ(header.at("metadata").at("training").at("lr_schedule"), "cosine");
    o.lrSchedule = "sawtooth";
    EXPECT_THROW(geoinr::core::trainRangeModel(data, o), geoinr::InvalidArgument);
}

} // namespace

#include "../../core/src/training/step_random.h"

namespace
{

/** Regression: LibTorch keeps only 32 bits of a generator seed; epochs must still differ. */
TEST(StepRandom, EpochsStepsAndSeedsGiveDifferentStreams)
{
    std::set<double> firsts;
    for (std::uint64_t seed : {0ULL, 1ULL, 1ULL << 40})
    {
        for (std::int64_t epoch : {0, 1, 2})
        {
            for (std::int64_t step : {-1, 0, 1})
            {
                auto g = geoinr::core::training::stepGenerator(seed, epoch, step);
                firsts.insert(torch::rand({1}, g, torch::kFloat64).item<double>());
            }
        }
    }
    EXPECT_EQ(firsts.size(), 27u);
    // And the same triple gives the same stream.
    auto a = geoinr::core::training::stepGenerator(7, 3, 5);
    auto b = geoinr::core::training::stepGenerator(7, 3, 5);
    EXPECT_EQ(torch::rand({1}, a).item<float>(), torch::rand({1}, b).item<float>());
}

} // namespace
