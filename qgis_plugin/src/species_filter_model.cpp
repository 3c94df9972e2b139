// SPDX-License-Identifier: MIT
#include "species_filter_model.h"

namespace geoinr::qgis
{

SpeciesFilterModel::SpeciesFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSourceModel(&m_names);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void SpeciesFilterModel::setSpecies(const QStringList& names)
{
    m_names.setStringList(names);
}

void SpeciesFilterModel::setSearchText(const QString& text)
{
    // A fixed string, not a pattern: names with '.', '(' or '*' must match literally.
    setFilterFixedString(text.trimmed());
}

QString SpeciesFilterModel::speciesAt(int row) const
{
    return data(index(row, 0), Qt::DisplayRole).toString();
}

} // namespace geoinr::qgis
