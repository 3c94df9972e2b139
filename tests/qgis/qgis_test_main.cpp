// SPDX-License-Identifier: MIT
// main() of qgis_tests: a headless QgsApplication (offscreen Qt platform, its profile in a
// temporary folder so $HOME is untouched) with the GeoINR provider registered.
#include "provider.h"

#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <qgsapplication.h>

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    // Set here, not in ctest's ENVIRONMENT: test discovery runs this program at build time too.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QTemporaryDir profile;
    QgsApplication app(argc, argv, false, profile.path());
    QgsApplication::initQgis();
    geoinr::qgis::registerProvider();
    const int rc = RUN_ALL_TESTS();
    QgsApplication::exitQgis();
    return rc;
}
