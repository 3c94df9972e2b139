// SPDX-License-Identifier: MIT
#include "tiny_models.h"

#include <geoinr/core/training.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/training_inputs.h>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace geoinr::test
{
namespace
{

void writeCovariate(const std::string& path)
{
    rasters::ensureGdalRegistered();
    const int width = 80, height = 60; // 0.5 degrees over lon -10..30, lat 30..60
    std::vector<float> values(static_cast<std::size_t>(width * height));
    for (int r = 0; r < height; ++r)
    {
        for (int c = 0; c < width; ++c)
        {
            const double lon = -10.0 + (c + 0.5) * 0.5, lat = 60.0 - (r + 0.5) * 0.5;
            values[static_cast<std::size_t>(r * width + c)] =
                lon > 25.0 && lat < 35.0 ? -9999.0F : static_cast<float>(lat + 0.1 * lon);
        }
    }
    auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), width, height, 1, GDT_Float32, nullptr));
    if (!ds)
    {
        throw std::runtime_error("cannot create " + path);
    }
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    ds->SetSpatialRef(&srs);
    std::array<double, 6> gt = {-10.0, 0.5, 0.0, 60.0, 0.0, -0.5};
    ds->SetGeoTransform(gt.data());
    auto* band = ds->GetRasterBand(1);
    band->SetNoDataValue(-9999.0);
    if (band->RasterIO(GF_Write, 0, 0, width, height, values.data(), width, height, GDT_Float32, 0,
                       0, nullptr) != CE_None)
    {
        throw std::runtime_error("cannot write " + path);
    }
}

void writeOccurrences(const std::string& path)
{
    std::ofstream out(path);
    out << "species,longitude,latitude\n";
    for (int i = 0; i < 12; ++i)
    {
        out << "Alpha," << -8.0 + i * 0.7 << "," << 55.0 + (i % 4) * 1.1 << "\n";
        out << "Beta," << 15.0 + i * 0.6 << "," << 36.0 + (i % 3) * 1.3 << "\n";
    }
}

} // namespace

TinyEnvModel trainTinyEnvModel(const std::string& dir)
{
    const auto base = std::filesystem::path(dir);
    TinyEnvModel m;
    m.covariate = (base / "temp.tif").string();
    m.checkpoint = (base / "model.ckpt").string();
    writeCovariate(m.covariate);
    const auto occurrences = (base / "occurrences.csv").string();
    writeOccurrences(occurrences);

    rasters::TrainingInputOptions in;
    in.occurrences = occurrences;
    in.covariateRasters = {m.covariate};
    const auto inputs = rasters::prepareTrainingInputs(in);
    core::TrainOptions t;
    t.model = {{"input", "env+coords"},
               {"encoder", {{"name", "wrap"}}},
               {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 16}, {"num_blocks", 1}}}};
    t.pseudoAbsences = core::PseudoAbsenceKind::ValidArea;
    t.epochs = 3;
    t.batchSize = 8;
    t.learningRate = 1e-2;
    t.threads = 1;
    t.seed = 7;
    t.checkpointPath = m.checkpoint;
    t.metadata = {{"covariates", inputs.covariates}, {"data", inputs.summary}};
    core::trainRangeModel(inputs.data, t, nullptr, &inputs.grid);
    return m;
}

std::string trainTinyCoordsModel(const std::string& dir)
{
    core::TrainingSet data;
    data.speciesNames = {"Alpha", "Beta"};
    for (int i = 0; i < 16; ++i)
    {
        data.classIds.push_back(0);
        data.lonLat.push_back(static_cast<float>(145.0 + (i % 4) * 1.5));
        data.lonLat.push_back(static_cast<float>(-38.0 + (i / 4) * 1.5));
        data.classIds.push_back(1);
        data.lonLat.push_back(static_cast<float>(128.0 + (i % 4) * 2.0));
        data.lonLat.push_back(static_cast<float>(-16.0 + (i / 4) * 1.0));
    }
    core::TrainOptions t;
    t.model = {{"input", "coords"},
               {"encoder", {{"name", "wrap"}}},
               {"network", {{"name", "residual_fcnet"}, {"hidden_dim", 16}, {"num_blocks", 1}}}};
    t.epochs = 2;
    t.batchSize = 8;
    t.learningRate = 1e-2;
    t.threads = 1;
    t.seed = 3;
    t.checkpointPath = (std::filesystem::path(dir) / "coords.ckpt").string();
    core::trainRangeModel(data, t);
    return t.checkpointPath;
}

} // namespace geoinr::test
