# Finds every third-party dependency once, at the top level, so that layers only add targets.
# Package names for Debian are in scripts/packages.txt.

# LibTorch: Debian's libtorch-dev (1.13) by default, or a LibTorch 2.x through -DTorch_DIR=...
find_package(Torch REQUIRED)
# Torch's config adds its flags to CMAKE_CXX_FLAGS; keep them on the torch target only.
message(STATUS "GeoINR: LibTorch ${Torch_VERSION} (${TORCH_LIBRARIES})")

find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)

find_package(GDAL CONFIG REQUIRED)
find_package(PROJ CONFIG REQUIRED)
message(STATUS "GeoINR: GDAL ${GDAL_VERSION}, PROJ ${PROJ_VERSION}")

find_package(Qt5 REQUIRED COMPONENTS Core Gui Widgets Xml Network)
list(APPEND CMAKE_MODULE_PATH /usr/share/qgis)   # FindQGIS.cmake ships with libqgis-dev
find_package(QGIS REQUIRED)
# FindQGIS gives variables, not targets: wrap them once.
add_library(geoinr_qgis_deps INTERFACE)
target_include_directories(geoinr_qgis_deps SYSTEM INTERFACE ${QGIS_INCLUDE_DIR})
target_link_libraries(geoinr_qgis_deps INTERFACE ${QGIS_CORE_LIBRARY} ${QGIS_GUI_LIBRARY}
                      Qt5::Core Qt5::Gui Qt5::Widgets Qt5::Xml Qt5::Network)
add_library(geoinr::qgis_deps ALIAS geoinr_qgis_deps)

if(GEOINR_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()
if(GEOINR_BUILD_BENCHMARKS)
    find_package(benchmark REQUIRED)
endif()
