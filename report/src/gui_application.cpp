// SPDX-License-Identifier: MIT
#include <geoinr/core/error.h>
#include <geoinr/report/render.h>

#include <QCoreApplication>
#include <QGuiApplication>

#include <clocale>
#include <cstdio>
#include <mutex>
#include <string>

namespace geoinr::report
{
namespace
{

/** Drops Qt's debug and warning chatter (e.g. "XDG_RUNTIME_DIR not set" from the offscreen
 *  platform), which would otherwise land in the CLI's stderr; keeps critical and fatal ones. */
void onlySeriousQtMessages(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    if (type == QtCriticalMsg || type == QtFatalMsg)
    {
        std::fprintf(stderr, "Qt: %s\n", message.toLocal8Bit().constData());
    }
}

} // namespace

void ensureGuiApplication()
{
    static std::mutex mutex;
    const std::lock_guard<std::mutex> lock(mutex);
    if (auto* app = QCoreApplication::instance())
    {
        if (qobject_cast<QGuiApplication*>(app) == nullptr)
        {
            throw Error("drawing report figures needs a QGuiApplication (fonts), but this process "
                        "has a QCoreApplication without GUI support");
        }
        return;
    }
    // No display is needed to draw into a QImage; a user's QT_QPA_PLATFORM still wins.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    // Only here, where GeoINR owns the application: a host application's handler stays.
    qInstallMessageHandler(onlySeriousQtMessages);
    // Qt's constructor calls setlocale(LC_ALL, ""): a user locale with a decimal comma would then
    // change how the rest of the process parses and prints numbers. Keep the process's locale.
    const std::string locale = std::setlocale(LC_ALL, nullptr);
    static int argc = 1;
    static char name[] = "geoinr";
    static char* argv[] = {name, nullptr};
    // Never deleted: one application object per process, and it must outlive every font use.
    static auto* app = new QGuiApplication(argc, argv);
    (void)app;
    std::setlocale(LC_ALL, locale.c_str());
}

} // namespace geoinr::report
