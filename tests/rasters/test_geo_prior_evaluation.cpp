// SPDX-License-Identifier: MIT
// evaluateGeoPrior with the tiny test checkpoints: the default class mapping (class i = the
// checkpoint's i-th species) and the refusal of models that take covariates.
#include "temp_dir.h"
#include "test_data.h"
#include "tiny_models.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/geo_prior_evaluation.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

namespace
{

using geoinr::rasters::evaluateGeoPrior;
using geoinr::rasters::GeoPriorOptions;

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

/** Two observations of Alpha (south-east Australia) and two of Beta (north Australia); the
 *  vision probabilities (Alpha, Beta) swap the two species, narrowly. */
GeoPriorOptions writeInputs(const geoinr::test::TempDir& dir, const std::string& checkpoint)
{
    GeoPriorOptions o;
    o.checkpoint = checkpoint;
    o.probs = dir.file("probs.csv");
    o.labels = dir.file("labels.csv");
    o.locations = dir.file("locations.csv");
    writeText(o.probs, "alpha,beta\n0.45,0.55\n0.45,0.55\n0.55,0.45\n0.55,0.45\n");
    writeText(o.labels, "0\n0\n1\n1\n");
    writeText(o.locations, "lon,lat\n146.5,-36.5\n147.0,-35.0\n130.0,-15.0\n131.5,-14.0\n");
    return o;
}

TEST(GeoPriorEvaluation, DefaultMappingIsCheckpointOrder)
{
    geoinr::test::TempDir dir;
    auto o = writeInputs(dir, geoinr::test::trainTinyCoordsModel(dir.path()));
    o.perObservation = dir.file("default.csv");
    const auto r = evaluateGeoPrior(o);
    EXPECT_EQ(r.at("class_mapping").get<std::string>(), "checkpoint order");
    EXPECT_EQ(r.at("classes_mapped").get<int>(), 2);
    EXPECT_EQ(r.at("observations").get<int>(), 4);
    EXPECT_EQ(r.at("observations_label_mapped").get<int>(), 4);
    EXPECT_DOUBLE_EQ(r.at("vision_top1").get<double>(), 0.0);
    const auto perObservation = geoinr::test::readFileBytes(o.perObservation);
    EXPECT_EQ(perObservation.substr(0, perObservation.find('\n')),
              "observation,lon,lat,label,vision_prediction,combined_prediction,logit:Alpha,"
              "logit:Beta");
    // The same as naming the classes explicitly, in the checkpoint's (sorted) order.
    writeText(dir.file("names.txt"), "Alpha\nBeta\n");
    o.classNames = dir.file("names.txt");
    o.perObservation = dir.file("named.csv");
    const auto named = evaluateGeoPrior(o);
    EXPECT_EQ(named.at("class_mapping").get<std::string>(), "lines");
    EXPECT_EQ(named.at("combined_correct"), r.at("combined_correct"));
    EXPECT_EQ(geoinr::test::readFileBytes(o.perObservation), perObservation);
}

TEST(GeoPriorEvaluation, RefusesModelsThatTakeCovariates)
{
    geoinr::test::TempDir dir;
    const auto o = writeInputs(dir, geoinr::test::trainTinyEnvModel(dir.path()).checkpoint);
    try
    {
        evaluateGeoPrior(o);
        FAIL() << "an env+coords checkpoint was accepted";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("coordinate-only"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("model.ckpt"), std::string::npos) << e.what();
    }
}

} // namespace
