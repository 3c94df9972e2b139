// SPDX-License-Identifier: MIT
// CovariateStack: opening rasters, feature layout (one-hot expansion) and raw sampling.
#include "covariate_stack_impl.h"
#include "file_listing.h"

#include <geoinr/core/error.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/occurrences.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

namespace geoinr::rasters
{
namespace
{

constexpr std::size_t kMaxCategoricalLevels = 1000;

/** Specs for one file: one per band, named by stem or band description. */
std::vector<CovariateSpec> specsForFile(const std::string& path, const detail::DatasetHandle& ds)
{
    const std::string stem = detail::fileStem(path);
    const int bands = detail::bandCount(ds);
    if (bands == 0)
    {
        throw IoError("covariate raster '" + path + "' has no bands");
    }
    if (bands == 1)
    {
        return {CovariateSpec{stem, path, 1, false, {}}};
    }
    std::vector<std::string> names;
    for (int b = 1; b <= bands; ++b)
    {
        names.push_back(detail::bandDescription(ds, b));
    }
    std::vector<CovariateSpec> specs;
    for (int b = 1; b <= bands; ++b)
    {
        const std::string& d = names[static_cast<std::size_t>(b - 1)];
        const bool usable = !d.empty() && std::count(names.begin(), names.end(), d) == 1;
        specs.push_back(
            CovariateSpec{usable ? d : stem + "_b" + std::to_string(b), path, b, false, {}});
    }
    return specs;
}

void checkUniqueNames(const std::vector<CovariateSpec>& specs)
{
    std::map<std::string, const CovariateSpec*> seen;
    for (const auto& s : specs)
    {
        const auto [it, inserted] = seen.emplace(s.name, &s);
        if (!inserted)
        {
            throw InvalidArgument(fmt::format(
                "two covariates are named '{}': '{}' band {} and '{}' band {}; rename a file",
                s.name, it->second->path, it->second->band, s.path, s.band));
        }
    }
}

std::string layerLabel(const CovariateSpec& spec)
{
    return fmt::format("covariate '{}' ('{}' band {})", spec.name, spec.path, spec.band);
}

} // namespace

void CovariateStack::Impl::requireNormalisation(const std::string& what) const
{
    if (mean.empty())
    {
        throw InvalidArgument(what + ": the covariate normalisation is not fitted "
                                     "(call fitNormalisation first)");
    }
}

void CovariateStack::Impl::checkPoints(const std::vector<double>& lon,
                                       const std::vector<double>& lat) const
{
    if (lon.size() != lat.size())
    {
        throw InvalidArgument(fmt::format("covariate sampling: {} longitudes but {} latitudes",
                                          lon.size(), lat.size()));
    }
}

CovariateStack::CovariateStack(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
CovariateStack::CovariateStack(CovariateStack&&) noexcept = default;
CovariateStack& CovariateStack::operator=(CovariateStack&&) noexcept = default;
CovariateStack::~CovariateStack() = default;

CovariateStack CovariateStack::open(const std::vector<std::string>& pathsOrFolders,
                                    const std::vector<std::string>& categoricalNames)
{
    if (pathsOrFolders.empty())
    {
        throw InvalidArgument("no covariate rasters given");
    }
    ensureGdalRegistered();
    std::vector<CovariateSpec> specs;
    for (const auto& given : pathsOrFolders)
    {
        const std::vector<std::string> files = std::filesystem::is_directory(given)
                                                   ? detail::listRasters(given)
                                                   : std::vector<std::string>{given};
        for (const auto& file : files)
        {
            const auto more = specsForFile(file, detail::openRaster(file));
            specs.insert(specs.end(), more.begin(), more.end());
        }
    }
    checkUniqueNames(specs);
    for (const auto& name : categoricalNames)
    {
        const auto it = std::find_if(specs.begin(), specs.end(),
                                     [&](const CovariateSpec& s) { return s.name == name; });
        if (it == specs.end())
        {
            std::string names;
            for (const auto& s : specs)
            {
                names += (names.empty() ? "" : ", ") + s.name;
            }
            throw InvalidArgument(fmt::format(
                "categorical covariate '{}' is not among the covariates: {}", name, names));
        }
        it->categorical = true;
    }
    return fromSpecs(specs);
}

CovariateStack CovariateStack::fromSpecs(const std::vector<CovariateSpec>& specs)
{
    if (specs.empty())
    {
        throw InvalidArgument("no covariate layers given");
    }
    ensureGdalRegistered();
    checkUniqueNames(specs);
    auto impl = std::make_unique<Impl>();
    std::map<std::string, detail::DatasetHandle> datasets; // bands of one file share it
    for (const auto& given : specs)
    {
        CovariateSpec spec = given;
        auto& ds = datasets[spec.path];
        if (!ds)
        {
            ds = detail::openRaster(spec.path);
        }
        impl->layers.emplace_back(ds, spec.path, spec.band, layerLabel(spec));
        if (spec.categorical && spec.levels.empty())
        {
            spec.levels = impl->layers.back().distinctValues(kMaxCategoricalLevels);
            if (spec.levels.empty())
            {
                throw IoError(layerLabel(spec) + " has no valid pixel to take levels from");
            }
        }
        impl->firstFeature.push_back(impl->features.size());
        if (spec.categorical)
        {
            for (const double level : spec.levels)
            {
                impl->features.push_back(spec.name + "=" + levelName(level));
                impl->oneHot.push_back(true);
            }
        }
        else
        {
            impl->features.push_back(spec.name);
            impl->oneHot.push_back(false);
        }
        impl->specs.push_back(std::move(spec));
    }
    return CovariateStack(std::move(impl));
}

const std::vector<CovariateSpec>& CovariateStack::layers() const
{
    return m_impl->specs;
}

std::vector<std::string> CovariateStack::featureNames() const
{
    return m_impl->features;
}

std::size_t CovariateStack::numFeatures() const
{
    return m_impl->numFeatures();
}

bool CovariateStack::isOneHot(std::size_t feature) const
{
    return feature < m_impl->oneHot.size() && m_impl->oneHot[feature];
}

std::vector<double> CovariateStack::sample(const std::vector<double>& lon,
                                           const std::vector<double>& lat,
                                           Resampling resampling) const
{
    m_impl->checkPoints(lon, lat);
    const std::size_t n = lon.size();
    const std::size_t width = m_impl->numFeatures();
    std::vector<double> out(n * width, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t l = 0; l < m_impl->layers.size(); ++l)
    {
        const CovariateSpec& spec = m_impl->specs[l];
        const std::size_t first = m_impl->firstFeature[l];
        if (!spec.categorical)
        {
            m_impl->layers[l].sample(lon, lat, resampling, out.data() + first, width);
            continue;
        }
        m_impl->sampleOneHot(l, lon, lat, out);
    }
    return out;
}

void CovariateStack::Impl::sampleOneHot(std::size_t layer, const std::vector<double>& lon,
                                        const std::vector<double>& lat,
                                        std::vector<double>& out) const
{
    const std::size_t n = lon.size();
    const std::size_t width = numFeatures();
    const std::vector<double>& levels = specs[layer].levels;
    std::vector<double> values(n);
    layers[layer].sample(lon, lat, Resampling::Nearest, values.data(), 1);
    for (std::size_t i = 0; i < n; ++i)
    {
        double* row = out.data() + i * width + firstFeature[layer];
        for (std::size_t k = 0; k < levels.size(); ++k)
        {
            row[k] = std::isnan(values[i]) ? values[i] : (values[i] == levels[k] ? 1.0 : 0.0);
        }
    }
}

std::vector<double> CovariateStack::lonLatBounds(std::size_t layer) const
{
    if (layer >= m_impl->layers.size())
    {
        throw InvalidArgument(fmt::format("lonLatBounds: layer {} does not exist ({} layers)",
                                          layer, m_impl->layers.size()));
    }
    const auto b = m_impl->layers[layer].lonLatBounds();
    return {b.begin(), b.end()};
}

std::string resamplingName(Resampling r)
{
    switch (r)
    {
    case Resampling::Nearest:
        return "nearest";
    case Resampling::Bilinear:
        return "bilinear";
    case Resampling::SinrCompat:
        return "sinr_compat";
    }
    return "bilinear";
}

Resampling parseResampling(const std::string& name)
{
    for (const auto r : {Resampling::Nearest, Resampling::Bilinear, Resampling::SinrCompat})
    {
        if (resamplingName(r) == name)
        {
            return r;
        }
    }
    throw InvalidArgument("resampling '" + name +
                          "' is not one of: nearest, bilinear, sinr_compat");
}

} // namespace geoinr::rasters
