// SPDX-License-Identifier: MIT
#include "model_queries.h"

#include <geoinr/core/error.h>

#include <QMap>

#include <algorithm>
#include <numeric>

namespace geoinr::qgis
{
namespace
{

QString field(const QString& name, const QString& value)
{
    return QStringLiteral("<b>%1</b>: %2<br>").arg(name, value.toHtmlEscaped());
}

QString componentName(const nlohmann::json& c)
{
    return QString::fromStdString(c.is_object() ? c.value("name", c.dump()) : c.dump());
}

} // namespace

QString modelSummaryHtml(const nlohmann::json& h)
{
    const auto& model = h.at("model");
    const auto meta = h.value("metadata", nlohmann::json::object());
    QString s;
    s += field(QObject::tr("Species"),
               QString::number(meta.value("species", nlohmann::json::array()).size()));
    s += field(QObject::tr("Input"), QString::fromStdString(model.value("input", "coords")));
    if (model.contains("encoder"))
    {
        s += field(QObject::tr("Encoder"), componentName(model.at("encoder")));
    }
    s += field(QObject::tr("Network"), componentName(model.at("network")));
    const auto env = meta.value("env_features", nlohmann::json::array());
    if (!env.empty())
    {
        // One-hot columns "biome=3" are shown once per layer: "biome (14 classes)".
        QStringList names;
        QMap<QString, int> levels;
        for (const auto& e : env)
        {
            const auto name = QString::fromStdString(e.get<std::string>());
            const auto base = name.section(QLatin1Char('='), 0, 0);
            if (name.contains(QLatin1Char('=')) && levels[base]++ > 0)
            {
                continue;
            }
            names << base;
        }
        for (auto& n : names)
        {
            if (levels.value(n) > 0)
            {
                n = QObject::tr("%1 (%2 classes)").arg(n).arg(levels.value(n));
            }
        }
        s += field(QObject::tr("Covariates"), names.join(QStringLiteral(", ")));
    }
    if (meta.contains("training"))
    {
        const auto& t = meta.at("training");
        s += field(QObject::tr("Training"),
                   QObject::tr("%1 loss, %2 pseudo-absences, %3 epochs")
                       .arg(QString::fromStdString(t.value("loss", "?")),
                            QString::fromStdString(t.value("pseudo_absences", "?")))
                       .arg(t.value("epochs", 0)));
    }
    if (meta.contains("data"))
    {
        s += field(QObject::tr("Records"),
                   QString::number(meta.at("data").value("records_used", 0LL)));
    }
    return s;
}

std::vector<SpeciesProbability> mostLikelySpecies(const rasters::GridPredictor& predictor,
                                                  double lon, double lat, int count)
{
    if (predictor.output() != rasters::RangeOutput::Probability)
    {
        throw InvalidArgument("mostLikelySpecies needs a probability predictor");
    }
    // A one-pixel lon/lat grid centred on the point: the pixel centre is exactly (lon, lat).
    constexpr double half = 1e-6;
    rasters::GridSpec spec;
    spec.extent = {lon - half, lat - half, lon + half, lat + half};
    spec.size = {1, 1};
    const auto grid = rasters::resolveGrid(spec);
    const auto bands = predictor.bandCount();
    std::vector<float> values(static_cast<std::size_t>(bands));
    predictor.computeWindow(grid, 0, 0, 1, 1, values.data());
    if (bands == 0 || values.front() < 0.0F) // nodata: no covariates (or lon/lat) here
    {
        return {};
    }
    std::vector<int> order(static_cast<std::size_t>(bands));
    std::iota(order.begin(), order.end(), 0);
    const auto n =
        std::min<std::size_t>(order.size(), static_cast<std::size_t>(std::max(0, count)));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                      [&](int a, int b) { return values[a] > values[b]; });
    std::vector<SpeciesProbability> out;
    for (std::size_t i = 0; i < n; ++i)
    {
        out.push_back({predictor.bandNames()[order[i]], values[order[i]]});
    }
    return out;
}

} // namespace geoinr::qgis
