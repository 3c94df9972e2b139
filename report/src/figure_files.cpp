// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/report/render.h>

#include <fmt/format.h>

#include <filesystem>
#include <type_traits>
#include <unistd.h>

namespace geoinr::report
{

RenderedFigure renderFigure(const Figure& figure)
{
    return std::visit(
        [](const auto& f) -> RenderedFigure
        {
            using T = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<T, RocFigure>)
            {
                return renderRoc(f);
            }
            else if constexpr (std::is_same_v<T, HistogramFigure>)
            {
                return renderHistogram(f);
            }
            else
            {
                return renderMap(f);
            }
        },
        figure);
}

void writeFigurePng(const Figure& figure, const std::string& path)
{
    const auto image = renderFigure(figure).image;
    // Same scheme as core::writeTextFileAtomically: a reader never sees half a PNG.
    const auto tmp = path + ".tmp-" + std::to_string(::getpid());
    if (!image.save(QString::fromStdString(tmp), "PNG"))
    {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw IoError(fmt::format("{}: cannot write the PNG figure", path));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
    {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw IoError(fmt::format("{}: cannot write the PNG figure ({})", path, ec.message()));
    }
}

} // namespace geoinr::report
