// SPDX-License-Identifier: MIT
// `geoinr predict --values embedding` through the real executable: a tiny model trained by the CLI,
// its embedding written as a COG with one Float32 band per feature, checked against the same
// command's logits (the species head is affine in the embedding: a least-squares fit of the logits
// on the embedding pixels leaves no residual), and the usage errors for species options.
#include "run_cli.h"
#include "temp_dir.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace
{

using geoinr::test::q;
using geoinr::test::run;
using geoinr::test::TempDir;

std::string trainTiny(const TempDir& dir)
{
    return geoinr::test::trainTinyModel(dir.path(), 8);
}

/** Every band of a raster as doubles, band after band; band count into `bands`. */
std::vector<double> readAll(const std::string& path, int& bands)
{
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    EXPECT_TRUE(ds) << path;
    if (!ds)
    {
        return {};
    }
    bands = ds->GetRasterCount();
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<double> v(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) *
                          static_cast<std::size_t>(bands));
    EXPECT_EQ(ds->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float64, bands, nullptr, 0, 0,
                           0, nullptr),
              CE_None);
    return v;
}

/** Least squares y ~ X beta ([n x k] row-major X) by the normal equations; returns the fit. */
std::vector<double> leastSquaresFit(const std::vector<double>& x, const std::vector<double>& y,
                                    std::size_t k)
{
    const std::size_t n = y.size();
    // Augmented [k x (k + 1)] system (X'X | X'y), Gauss-Jordan with partial pivoting.
    std::vector<std::vector<double>> a(k, std::vector<double>(k + 1, 0.0));
    for (std::size_t i = 0; i < n; ++i)
    {
        for (std::size_t r = 0; r < k; ++r)
        {
            for (std::size_t c = 0; c < k; ++c)
            {
                a[r][c] += x[i * k + r] * x[i * k + c];
            }
            a[r][k] += x[i * k + r] * y[i];
        }
    }
    for (std::size_t c = 0; c < k; ++c)
    {
        std::size_t pivot = c;
        for (std::size_t r = c + 1; r < k; ++r)
        {
            if (std::abs(a[r][c]) > std::abs(a[pivot][c]))
            {
                pivot = r;
            }
        }
        std::swap(a[c], a[pivot]);
        for (std::size_t r = 0; r < k; ++r)
        {
            if (r != c)
            {
                const double f = a[r][c] / a[c][c];
                for (std::size_t j = c; j <= k; ++j)
                {
                    a[r][j] -= f * a[c][j];
                }
            }
        }
    }
    std::vector<double> fit(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
    {
        for (std::size_t c = 0; c < k; ++c)
        {
            fit[i] += x[i * k + c] * a[c][k] / a[c][c];
        }
    }
    return fit;
}

} // namespace

TEST(CliEmbedding, PredictWritesTheEmbeddingThatTheLogitsAreAffineIn)
{
    TempDir dir;
    const auto ckpt = trainTiny(dir);
    const std::string grid = " --extent -20 30 40 60 --resolution 2 -q"; // 30 x 15 pixels
    const auto emb = dir.file("emb.tif");
    auto r = run("predict " + q(ckpt) + " --values embedding --format COG -o " + q(emb) + grid);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto logits = dir.file("logits.tif");
    r = run("predict " + q(ckpt) + " --values logit -o " + q(logits) + grid);
    ASSERT_EQ(r.exitCode, 0) << r.output;

    GDALAllRegister();
    {
        GDALDatasetUniquePtr ds(GDALDataset::Open(emb.c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(ds);
        ASSERT_EQ(ds->GetRasterCount(), 8); // hidden_dim 8: the trunk's width
        EXPECT_EQ(ds->GetRasterXSize(), 30);
        EXPECT_EQ(ds->GetRasterYSize(), 15);
        EXPECT_STREQ(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
        EXPECT_STREQ(ds->GetMetadataItem("GEOINR_OUTPUT"), "embedding");
        for (int b = 1; b <= 8; ++b)
        {
            EXPECT_EQ(ds->GetRasterBand(b)->GetRasterDataType(), GDT_Float32);
            EXPECT_EQ(std::string(ds->GetRasterBand(b)->GetDescription()),
                      "embedding_" + std::to_string(b - 1));
        }
    }
    int embBands = 0, logitBands = 0;
    const auto f = readAll(emb, embBands);
    const auto l = readAll(logits, logitBands);
    ASSERT_EQ(logitBands, 2);
    const std::size_t n = 30 * 15;
    ASSERT_EQ(f.size(), 8 * n);
    // Design matrix [features, 1] per pixel; each species' logits fitted on it.
    std::vector<double> x;
    for (std::size_t i = 0; i < n; ++i)
    {
        for (std::size_t b = 0; b < 8; ++b)
        {
            ASSERT_TRUE(std::isfinite(f[b * n + i])) << i; // a coordinate model: no nodata
            x.push_back(f[b * n + i]);
        }
        x.push_back(1.0);
    }
    for (std::size_t s = 0; s < 2; ++s)
    {
        const std::vector<double> y(l.begin() + static_cast<std::ptrdiff_t>(s * n),
                                    l.begin() + static_cast<std::ptrdiff_t>((s + 1) * n));
        const auto fit = leastSquaresFit(x, y, 9);
        const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
        EXPECT_GT(*hi - *lo, 0.05) << "species " << s; // the logits vary over the grid
        double worst = 0.0;
        for (std::size_t i = 0; i < n; ++i)
        {
            worst = std::max(worst, std::abs(fit[i] - y[i]));
        }
        EXPECT_LT(worst, 1e-3 * (*hi - *lo)) << "species " << s;
    }
    // Shuffled pixels would not be affine: the check can fail (features of the mirrored grid).
    std::vector<double> mirrored(x.size());
    for (std::size_t i = 0; i < n; ++i)
    {
        std::copy_n(x.begin() + static_cast<std::ptrdiff_t>((n - 1 - i) * 9), 9,
                    mirrored.begin() + static_cast<std::ptrdiff_t>(i * 9));
    }
    const std::vector<double> y0(l.begin(), l.begin() + static_cast<std::ptrdiff_t>(n));
    const auto wrong = leastSquaresFit(mirrored, y0, 9);
    double worst = 0.0;
    for (std::size_t i = 0; i < n; ++i)
    {
        worst = std::max(worst, std::abs(wrong[i] - y0[i]));
    }
    EXPECT_GT(worst, 1e-2);
}

TEST(CliEmbedding, SpeciesOptionsAreUsageErrors)
{
    TempDir dir;
    const auto ckpt = trainTiny(dir);
    const auto out = dir.file("emb.tif");
    std::ofstream(dir.file("species.txt")) << "Alpha\n";
    for (const auto& [option, message] : std::vector<std::pair<std::string, std::string>>{
             {"--species Alpha", "--species / --species-file: not with --values embedding"},
             {"--species-file " + q(dir.file("species.txt")),
              "--species / --species-file: not with --values embedding"},
             {"--per-species", "--per-species: not with --values embedding"},
             {"--threshold 0.5", "--threshold: not with --values embedding"},
             {"--logits", "--logits and --values embedding: choose one"}})
    {
        const auto r = run("predict " + q(ckpt) + " --values embedding " + option + " -o " +
                           q(out) + " --resolution 5 -q");
        EXPECT_EQ(r.exitCode, 2) << option << "\n" << r.output;
        EXPECT_NE(r.output.find(message), std::string::npos) << option << "\n" << r.output;
    }
    EXPECT_FALSE(std::filesystem::exists(out));
    const auto r = run("predict " + q(ckpt) + " --values features -o " + q(out) + " -q");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("expected probability, logit, byte, binary or embedding"),
              std::string::npos)
        << r.output;
}
