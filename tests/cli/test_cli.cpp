// SPDX-License-Identifier: MIT
// End-to-end checks of the geoinr command line: listing, version report, errors, exit codes.
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <map>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace
{

using geoinr::test::run;

} // namespace

TEST(Cli, EncodersJsonListsEveryEncoderWithDimensions)
{
    const auto r = run("encoders --json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto all = nlohmann::json::parse(r.output);
    ASSERT_TRUE(all.is_array());
    std::map<std::string, long> dims;
    std::vector<std::string> imported;
    for (const auto& e : all)
    {
        ASSERT_TRUE(e.contains("params")) << e.dump();
        if (e.value("imported", false))
        {
            EXPECT_TRUE(e.at("output_dim").is_null()) << e.dump();
            imported.push_back(e.at("name").get<std::string>());
            continue;
        }
        dims[e.at("name").get<std::string>()] = e.at("output_dim").get<long>();
    }
    // Imported encoders are listed too, without a default size (it comes from their file).
    EXPECT_EQ(imported, std::vector<std::string>{"torchscript"});
    // Every encoder the foundation issue names, with the default output sizes of science.md §2.5.
    EXPECT_EQ(dims.at("wrap"), 4);
    EXPECT_EQ(dims.at("wrap_ffn"), 256);
    EXPECT_EQ(dims.at("tile"), 256);
    EXPECT_EQ(dims.at("rbf"), 200);
    EXPECT_EQ(dims.at("rff"), 64);
    EXPECT_EQ(dims.at("space2vec_grid"), 4 * 16);
    EXPECT_EQ(dims.at("space2vec_theory"), 6 * 16);
    EXPECT_EQ(dims.at("xyz"), 3);
    EXPECT_EQ(dims.at("nerf"), 6 * 16);
    EXPECT_EQ(dims.at("sphere_c"), 3 * 32);
    EXPECT_EQ(dims.at("sphere_c_plus"), 6 * 32);
    EXPECT_EQ(dims.at("sphere_m"), 5 * 32);
    EXPECT_EQ(dims.at("sphere_m_plus"), 8 * 32);
    EXPECT_EQ(dims.at("dfs"), 4 * 8 * 8 + 4 * 8);
    EXPECT_EQ(dims.at("spherical_harmonics"), 100);
}

TEST(Cli, EncodersListingNamesTheImportedEncoder)
{
    const auto r = run("encoders");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("wrap (4 dims with defaults)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("torchscript (imported: needs \"path\""), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("sha256"), std::string::npos) << r.output;
}

TEST(Cli, EncoderConfigResolvesDefaultsAndDimension)
{
    const auto r = run(R"(encoders --json --config '{"name":"spherical_harmonics","L":40}')");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output);
    EXPECT_EQ(j.at("output_dim").get<long>(), 1600);
    EXPECT_EQ(j.at("config").at("m0_scale").get<double>(), 1.0);
}

TEST(Cli, BadEncoderConfigIsAUsageErrorNamingTheField)
{
    const auto r = run(R"(encoders --config '{"name":"spherical_harmonics","L":-1}')");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.output.find("encoder.L"), std::string::npos) << r.output;
    const auto unknown = run(R"(encoders --config '{"name":"sphere_x"}')");
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_NE(unknown.output.find("unknown encoder 'sphere_x'"), std::string::npos)
        << unknown.output;
}

TEST(Cli, VersionReportsTorchBlasGdalAndProj)
{
    const auto r = run("--version");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("geoinr 0."), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("LibTorch "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("BLAS: /"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("GDAL 3."), std::string::npos) << r.output;
}

TEST(Cli, UnknownSubcommandFailsWithUsage)
{
    const auto r = run("no-such-command");
    EXPECT_NE(r.exitCode, 0);
}

TEST(Cli, SphereFitRunsEndToEndOnATinyProblem)
{
    const auto r = run(R"(sphere-fit -q --encoder xyz --network linear --epochs 1 --samples 500)");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("xyz"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("%"), std::string::npos) << r.output;
}
