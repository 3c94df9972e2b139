// SPDX-License-Identifier: MIT
// The dock's species list: thousands of names filtered as the user types (case-insensitive
// substring). Plain Qt, so it is unit-tested and benchmarked without QGIS.
#pragma once

#include <QSortFilterProxyModel>
#include <QStringListModel>

namespace geoinr::qgis
{

class SpeciesFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

  public:
    explicit SpeciesFilterModel(QObject* parent = nullptr);

    /** Replaces the names (in model order: the row of a name is its species index). */
    void setSpecies(const QStringList& names);
    /** Shows the names containing `text` (case-insensitive); empty shows all. */
    void setSearchText(const QString& text);
    /** The name shown at `row` of the filtered list. */
    QString speciesAt(int row) const;

  private:
    QStringListModel m_names;
};

} // namespace geoinr::qgis
