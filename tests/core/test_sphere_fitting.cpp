// SPDX-License-Identifier: MIT
// Trains a small model per encoder family on the 16-class checkerboard of Russwurm et al. 2024
// (science.md §5.8) and checks that each separates it well above chance (6.25 %).
#include <geoinr/core/error.h>
#include <geoinr/core/sphere_fit.h>

#include <gtest/gtest.h>

#include <string>

namespace
{

struct FamilyCase
{
    std::string label;
    nlohmann::json encoder;
    nlohmann::json network;
    double minTestAccuracy; ///< measured with the settings below, minus a margin of ~5 points
};

/** Keeps gtest from printing the case's bytes in test names and failure messages. */
void PrintTo(const FamilyCase& c, std::ostream* os)
{
    *os << c.label;
}

const nlohmann::json kFcnet = {
    {"name", "residual_fcnet"}, {"hidden_dim", 128}, {"num_blocks", 2}, {"dropout", 0.0}};
const nlohmann::json kSiren = {{"name", "siren"}, {"hidden_dim", 128}, {"num_layers", 1}};

// Accuracies measured on CPU (200 epochs, lr 3e-3, seed 0; training GEMMs on oneDNN):
// wrap 70.7, xyz 81.8, nerf 93.5, theory 94.2, sphereC+ 93.5, rff 92.6, rbf 94.3, tile 80.7,
// SH+SIREN 93.1 %. wrap depends most on the seed: 70.7..83.6 % over seeds 0-5 on oneDNN and
// 76.4..83.8 % on LibTorch's BLAS (GEOINR_TRAINING_GEMM=libtorch), so its bar sits lower.
std::vector<FamilyCase> families()
{
    return {
        {"wrap", {{"name", "wrap"}}, kFcnet, 0.65},
        {"xyz", {{"name", "xyz"}}, kFcnet, 0.76},
        {"nerf", {{"name", "nerf"}, {"frequency_num", 4}}, kFcnet, 0.87},
        {"space2vec_theory",
         {{"name", "space2vec_theory"}, {"frequency_num", 16}, {"min_radius", 10}},
         kFcnet,
         0.87},
        {"sphere_c_plus",
         {{"name", "sphere_c_plus"}, {"frequency_num", 16}, {"min_radius", 0.05}},
         kFcnet,
         0.87},
        {"rff", {{"name", "rff"}, {"num_features", 256}, {"kernel_size", 16}}, kFcnet, 0.87},
        {"rbf", {{"name", "rbf"}, {"num_anchors", 400}, {"sigma_deg", 8}}, kFcnet, 0.88},
        {"tile",
         {{"name", "tile"}, {"cell_size_deg", 5}, {"use_ffn", false}, {"embed_dim", 32}},
         kFcnet,
         0.74},
        {"spherical_harmonics_siren", {{"name", "spherical_harmonics"}, {"L", 15}}, kSiren, 0.87},
    };
}

class SphereFitting : public ::testing::TestWithParam<FamilyCase>
{
};

TEST_P(SphereFitting, SeparatesTheCheckerboard)
{
    const auto& c = GetParam();
    geoinr::core::SphereFitOptions o;
    o.encoder = c.encoder;
    o.network = c.network;
    o.epochs = 200;
    o.learningRate = 3e-3;
    const auto r = geoinr::core::runSphereFit(o);
    RecordProperty("test_accuracy", std::to_string(r.testAccuracy));
    EXPECT_GE(r.testAccuracy, c.minTestAccuracy)
        << c.label << ": train " << r.trainAccuracy << ", test " << r.testAccuracy;
    // The model must also fit its training data at least as well as it generalises.
    EXPECT_GE(r.trainAccuracy + 0.02, r.testAccuracy) << c.label;
}

INSTANTIATE_TEST_SUITE_P(EncoderFamilies, SphereFitting, ::testing::ValuesIn(families()),
                         [](const auto& info) { return info.param.label; });

TEST(SphereFittingCancel, ProgressSinkCancelsTraining)
{
    geoinr::core::SphereFitOptions o;
    o.encoder = {{"name", "xyz"}};
    o.network = {{"name", "linear"}};
    o.numSamples = 500;
    o.epochs = 50;
    int calls = 0;
    EXPECT_THROW(geoinr::core::runSphereFit(o,
                                            [&](double, const std::string&)
                                            {
                                                ++calls;
                                                return calls < 3;
                                            }),
                 geoinr::Cancelled);
    EXPECT_EQ(calls, 3);
}

} // namespace
