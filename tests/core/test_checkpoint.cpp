// SPDX-License-Identifier: MIT
// Checkpoint round trips (bit-identical predictions) and rejection of damaged files.
#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

namespace
{

namespace fs = std::filesystem;
using geoinr::core::loadCheckpoint;
using geoinr::core::saveCheckpoint;

class CheckpointTest : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        m_dir = fs::temp_directory_path() /
                ("geoinr_ckpt_" + std::to_string(::getpid()) + "_" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }

    static std::vector<char> readBytes(const std::string& p)
    {
        std::ifstream in(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    static void writeBytes(const std::string& p, const std::vector<char>& b)
    {
        std::ofstream(p, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
    }
    static std::string loadError(const std::string& p)
    {
        try
        {
            loadCheckpoint(p);
        }
        catch (const geoinr::Error& e)
        {
            return e.what();
        }
        return "no error";
    }

    fs::path m_dir;
};

torch::Tensor somePoints()
{
    return torch::tensor({0.0, 0.0, 179.9, -45.0, -120.5, 37.7, 10.0, 89.0}, torch::kFloat32)
        .reshape({4, 2});
}

TEST_F(CheckpointTest, RoundTripGivesBitIdenticalPredictions)
{
    const std::vector<nlohmann::json> models = {
        {{"encoder", {{"name", "spherical_harmonics"}, {"L", 6}}},
         {"network", {{"name", "siren"}, {"hidden_dim", 16}}},
         {"num_classes", 5},
         {"seed", 3}},
        {{"encoder", {{"name", "rbf"}, {"num_anchors", 7}}},
         {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 8}, {"num_blocks", 1}}},
         {"num_classes", 3}},
        {{"input", "env+coords"},
         {"num_env_features", 2},
         {"encoder",
          {{"name", "tile"},
           {"cell_size_deg", 30},
           {"embed_dim", 4},
           {"output_dim", 6},
           {"hidden_dim", 8}}},
         {"network", {{"name", "linear"}}},
         {"num_classes", 2}}};
    const auto env = torch::tensor({0.1, -0.2, 0.3, 0.4, 1.5, -1.0, 0.0, 0.0}).reshape({4, 2});
    for (std::size_t i = 0; i < models.size(); ++i)
    {
        auto model = geoinr::core::makeRangeModel(models[i]);
        // Perturb weights so the test does not pass on freshly seeded defaults alone.
        {
            torch::NoGradGuard g;
            for (auto& p : model->parameters())
            {
                p.add_(torch::randn_like(p) * 0.1);
            }
        }
        model->encoder()->fitToLocations(somePoints().to(torch::kFloat64));
        model->eval();
        const bool usesEnv = models[i].value("input", "coords") != "coords";
        const auto before = model->forward(somePoints(), usesEnv ? env : torch::Tensor());
        const auto p = path("m" + std::to_string(i) + ".geoinr.ckpt");
        saveCheckpoint(p, *model, {{"species", {"a", "b"}}});
        auto loaded = loadCheckpoint(p);
        const auto after = loaded.model->forward(somePoints(), usesEnv ? env : torch::Tensor());
        EXPECT_TRUE(torch::equal(before, after)) << "model " << i;
        EXPECT_EQ(loaded.header.at("model"), model->config());
        EXPECT_EQ(loaded.header.at("metadata").at("species")[1], "b");
    }
    // Nothing but the checkpoints is left in the directory (no temporary files).
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(m_dir))
    {
        ++files;
    }
    EXPECT_EQ(files, 3);
}

class DamagedCheckpoint : public CheckpointTest
{
  protected:
    void SetUp() override
    {
        CheckpointTest::SetUp();
        auto model = geoinr::core::makeRangeModel(
            {{"encoder", {{"name", "wrap"}}},
             {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 8}, {"num_blocks", 1}}},
             {"num_classes", 3}});
        m_good = path("good.ckpt");
        saveCheckpoint(m_good, *model);
        m_bytes = readBytes(m_good);
    }
    std::string m_good;
    std::vector<char> m_bytes;
};

TEST_F(DamagedCheckpoint, TruncatedFileIsRejected)
{
    auto b = m_bytes;
    b.resize(b.size() / 2);
    writeBytes(path("t.ckpt"), b);
    EXPECT_NE(loadError(path("t.ckpt")).find("corrupt or truncated"), std::string::npos)
        << loadError(path("t.ckpt"));
}

TEST_F(DamagedCheckpoint, FlippedByteFailsTheChecksum)
{
    auto b = m_bytes;
    b[b.size() - 100] ^= 0x40;
    writeBytes(path("c.ckpt"), b);
    EXPECT_NE(loadError(path("c.ckpt")).find("checksum mismatch"), std::string::npos);
}

TEST_F(DamagedCheckpoint, OtherFilesAndVersionsAreNamed)
{
    writeBytes(path("x.ckpt"), {'P', 'K', 3, 4, 0, 0, 0, 0, 0});
    EXPECT_NE(loadError(path("x.ckpt")).find("not a GeoINR checkpoint"), std::string::npos);
    auto b = m_bytes;
    b[8] = 2; // format version 2
    writeBytes(path("v.ckpt"), b);
    EXPECT_NE(loadError(path("v.ckpt")).find("version 2 is not supported"), std::string::npos);
    EXPECT_NE(loadError(path("missing.ckpt")).find("cannot open"), std::string::npos);
}

TEST_F(DamagedCheckpoint, MismatchedTensorsAreNamed)
{
    auto contents = geoinr::core::readCheckpointFile(m_good);
    contents.header["model"]["num_classes"] = 4; // head weight in the file is [3, 8]
    geoinr::core::writeCheckpointFile(path("m.ckpt"), contents);
    const auto msg = loadError(path("m.ckpt"));
    EXPECT_NE(msg.find("network.head.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[3, 8]"), std::string::npos) << msg;
}

TEST_F(DamagedCheckpoint, HostileSizesAreRefusedBeforeAllocating)
{
    // A valid checksum (anyone can compute FNV-1a) and a header claiming 10^9 species: building
    // that model would need a terabyte; the claim is refused against the file's size first.
    auto contents = geoinr::core::readCheckpointFile(m_good);
    contents.header["model"]["num_classes"] = 1000000000;
    geoinr::core::writeCheckpointFile(path("huge.ckpt"), contents);
    auto msg = loadError(path("huge.ckpt"));
    EXPECT_NE(msg.find("model.num_classes = 1000000000 cannot be right"), std::string::npos) << msg;

    contents = geoinr::core::readCheckpointFile(m_good);
    contents.header["model"]["network"]["hidden_dim"] = 2000000;
    geoinr::core::writeCheckpointFile(path("wide.ckpt"), contents);
    msg = loadError(path("wide.ckpt"));
    EXPECT_NE(msg.find("model.network.hidden_dim = 2000000"), std::string::npos) << msg;

    // A tensor whose dimensions multiply past 2^64 (wrapping to a small byte count) is refused.
    contents = geoinr::core::readCheckpointFile(m_good);
    auto& t = contents.tensors.front();
    t.shape = {1LL << 40, 1LL << 40, 1LL << 40, 0};
    t.data.clear();
    geoinr::core::writeCheckpointFile(path("overflow.ckpt"), contents);
    msg = loadError(path("overflow.ckpt"));
    EXPECT_NE(msg.find("impossible dimension"), std::string::npos) << msg;
}

TEST(CheckpointHash, Fnv1aKnownValues)
{
    // Reference values of 64-bit FNV-1a.
    EXPECT_EQ(geoinr::core::fnv1a64("", 0), 0xcbf29ce484222325ULL);
    EXPECT_EQ(geoinr::core::fnv1a64("a", 1), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(geoinr::core::fnv1a64("foobar", 6), 0x85944171f73967e8ULL);
}

} // namespace
