// SPDX-License-Identifier: MIT
// Private: natural ordering of file names and listing the rasters of a folder.
#pragma once

#include <string>
#include <vector>

namespace geoinr::rasters::detail
{

/** Natural order: digit runs compare as numbers ("bio_2" < "bio_10"), the rest as text. */
bool naturalLess(const std::string& a, const std::string& b);

/** Every .tif/.tiff (any case) directly in `folder`, naturally sorted by file name; paths are
 *  `folder` joined with the file name. Throws IoError when there is none. */
std::vector<std::string> listRasters(const std::string& folder);

/** File name without directory and extension ("wc2.1_10m_bio_1" for ".../wc2.1_10m_bio_1.tif"). */
std::string fileStem(const std::string& path);

} // namespace geoinr::rasters::detail
