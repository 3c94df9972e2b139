// SPDX-License-Identifier: MIT
// `geoinr pretrain` (contrastive location-encoder pretraining) on WorldClim rasters and on a
// table, then `geoinr train --init-from ... --freeze-pretrained`, and the errors.
#include "../support/temp_dir.h"
#include "run_cli.h"
#include "test_data.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace
{

using geoinr::test::q;
using geoinr::test::run;
using geoinr::test::TempDir;

nlohmann::json header(const std::string& checkpoint)
{
    const auto r = run("info --json " + q(checkpoint));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    return nlohmann::json::parse(r.output);
}

/** Two species around two places in South America. */
std::string writeOccurrences(const TempDir& dir)
{
    const auto path = dir.file("occ.csv");
    std::ofstream out(path);
    out << "species,lon,lat\n";
    for (int i = 0; i < 40; ++i)
    {
        const double d = (i % 10) * 0.7;
        out << "north," << -70.0 + d << "," << 5.0 + 0.5 * d << "\n";
        out << "south," << -60.0 + d << "," << -30.0 + 0.5 * d << "\n";
    }
    return path;
}

TEST(CliPretrain, WorldClimThenTrainFromFrozenEncoder)
{
    GEOINR_REQUIRE_DATA_FILE(bio1, "worldclim_global/wc2.1_10m_bio_1.tif");
    GEOINR_REQUIRE_DATA_FILE(bio12, "worldclim_global/wc2.1_10m_bio_12.tif");
    TempDir dir;
    const auto pre = dir.file("pre.ckpt");
    // 2000 locations / 256 per step = 7 steps per epoch (the partial batch is dropped).
    const auto r =
        run("pretrain --covariates " + q(bio1) + " " + q(bio12) +
            " --locations 2000 --epochs 2 --batch-size 256 --lr 1e-3 --seed 1 -q -o " + q(pre));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("pretrained 2 epochs (14 steps)"), std::string::npos) << r.output;

    const auto h = header(pre);
    EXPECT_EQ(h.at("model").at("encoder").at("name"), "spherical_harmonics");
    EXPECT_EQ(h.at("model").at("encoder").at("L"), 10); // --preset l10 by default
    EXPECT_EQ(h.at("model").at("network").at("name"), "siren");
    EXPECT_EQ(h.at("model").at("num_classes"), 256); // the embedding
    const auto& p = h.at("metadata").at("pretraining");
    EXPECT_EQ(p.at("objective"), "symmetric_infonce");
    EXPECT_EQ(p.at("features"), (nlohmann::json{"wc2.1_10m_bio_1", "wc2.1_10m_bio_12"}));
    EXPECT_EQ(p.at("locations"), 2000);
    EXPECT_EQ(h.at("metadata").at("data").at("source"), "rasters");
    // The plain summary names the data too.
    const auto info = run("info " + q(pre));
    ASSERT_EQ(info.exitCode, 0) << info.output;
    EXPECT_NE(info.output.find("\"source\":\"rasters\""), std::string::npos) << info.output;

    // Train species on top: encoder and network default to the pretrained ones.
    const auto species = dir.file("species.ckpt");
    const auto t = run("train " + q(writeOccurrences(dir)) + " --init-from " + q(pre) +
                       " --freeze-pretrained --epochs 2 --batch-size 32 -q -o " + q(species));
    ASSERT_EQ(t.exitCode, 0) << t.output;
    const auto s = header(species);
    EXPECT_EQ(s.at("model").at("encoder"), h.at("model").at("encoder"));
    EXPECT_EQ(s.at("model").at("network"), h.at("model").at("network"));
    EXPECT_EQ(s.at("model").at("num_classes"), 2);
    const auto& init = s.at("metadata").at("training").at("init_from");
    EXPECT_TRUE(init.at("frozen").get<bool>());
    EXPECT_EQ(init.at("copied_parameters").size(), 4U); // 2 sine layers x (weight, bias)

    // An explicit, different network shares nothing with the pretrained one.
    const auto bad = run("train " + q(writeOccurrences(dir)) + " --init-from " + q(pre) +
                         " --network residual_fcnet --epochs 1 -q -o " + q(dir.file("x.ckpt")));
    EXPECT_EQ(bad.exitCode, 2) << bad.output;
    EXPECT_NE(bad.output.find("--init-from"), std::string::npos) << bad.output;
}

TEST(CliPretrain, TableOfVectors)
{
    TempDir dir;
    const auto table = dir.file("vectors.csv");
    {
        std::ofstream out(table);
        out << "lon,lat,f1,f2,f3\n";
        for (int i = 0; i < 96; ++i)
        {
            const double lon = -170.0 + 3.5 * i;
            const double lat = -60.0 + 1.25 * i;
            out << lon << "," << lat << "," << lat / 90.0 << "," << (i % 7) << "," << lon / 180.0
                << "\n";
        }
    }
    const auto pre = dir.file("pre.ckpt");
    const auto r = run("pretrain --table " + q(table) +
                       " --encoder '{\"name\":\"spherical_harmonics\",\"L\":4}' "
                       "--network '{\"name\":\"siren\",\"hidden_dim\":32}' --embedding-dim 8 "
                       "--epochs 3 --batch-size 32 -q -o " +
                       q(pre));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("pretrained 3 epochs (9 steps)"), std::string::npos) << r.output;
    const auto h = header(pre);
    EXPECT_EQ(h.at("metadata").at("pretraining").at("features"),
              (nlohmann::json{"f1", "f2", "f3"}));
    EXPECT_EQ(h.at("model").at("num_classes"), 8);
    // The table's normalisation travels with the checkpoint: f2 = i mod 7 over i < 96 has mean
    // (13 * 21 + 0+1+2+3+4) / 96 = 283 / 96.
    EXPECT_NEAR(h.at("metadata").at("pretraining_features").at("normalisation").at("mean")[1],
                283.0 / 96.0, 1e-9);
}

TEST(CliPretrain, ClearErrors)
{
    TempDir dir;
    const auto table = dir.file("bad.csv");
    {
        std::ofstream out(table);
        out << "lon,lat,f1\n10,20,1\n11,21,oops\n";
    }
    auto r = run("pretrain --table " + q(table) + " -q -o " + q(dir.file("p.ckpt")));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("bad.csv:3: column 'f1'"), std::string::npos) << r.output;

    r = run("pretrain -q -o " + q(dir.file("p.ckpt")));
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("--covariates"), std::string::npos) << r.output;

    r = run("pretrain --table " + q(table) + " --preset l20 -q -o " + q(dir.file("p.ckpt")));
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("--preset"), std::string::npos) << r.output;

    r = run("train " + q(table) + " --species x --freeze-pretrained -q -o " +
            q(dir.file("t.ckpt")));
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("--freeze-pretrained needs --init-from"), std::string::npos)
        << r.output;
}

} // namespace
