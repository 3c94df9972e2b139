// SPDX-License-Identifier: MIT
// Command-line parsing of every geoinr subcommand (arguments = input split at new lines). A
// main-app parse-complete callback stops after parsing and option validation, before any subcommand
// runs. (Replacing the subcommands' callbacks would free the state they own, which the options
// point into: an earlier version of this harness did that and ASan caught the use after free.)
#include "app.h"

#include <geoinr/core/error.h>

#include <string>
#include <vector>

namespace
{

struct ParsedOnly
{
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::vector<std::string> args;
    std::string current;
    for (std::size_t i = 0; i < size; ++i)
    {
        if (data[i] == '\n')
        {
            args.push_back(current);
            current.clear();
        }
        else
        {
            current += static_cast<char>(data[i]);
        }
    }
    args.push_back(current);
    if (args.size() > 64)
    {
        return 0;
    }
    CLI::App app{"geoinr", "geoinr"};
    bool version = false;
    try
    {
        geoinr::cli::addAllCommands(app, version);
        app.parse_complete_callback([] { throw ParsedOnly{}; });
        std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 pops from the back
        app.parse(reversed);
    }
    catch (const ParsedOnly&)
    {
    }
    catch (const CLI::Error&)
    {
    }
    catch (const geoinr::Error&)
    {
    }
    return 0;
}
