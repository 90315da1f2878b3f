// Configuration: flags, environment, defaults, and bad values.
#include <gtest/gtest.h>

#include <map>

#include "config.hpp"

namespace ipto::front {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const char* name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

ConfigResult parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    return parse_config(args, env_of(std::move(env)));
}

TEST(FrontConfig, Defaults) {
    auto r = parse({});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->listen_host, "127.0.0.1");
    EXPECT_EQ(r.config->listen_port, 8080);
    EXPECT_EQ(r.config->database_url, "");
    EXPECT_EQ(r.config->threads, 64);
    EXPECT_EQ(r.config->pool, 8);
    EXPECT_FALSE(r.config->help);
}

TEST(FrontConfig, Flags) {
    auto r = parse({"--listen", "0.0.0.0:9000", "--db", "host=/tmp dbname=x", "--threads", "16", "--pool", "4"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->listen_host, "0.0.0.0");
    EXPECT_EQ(r.config->listen_port, 9000);
    EXPECT_EQ(r.config->database_url, "host=/tmp dbname=x");
    EXPECT_EQ(r.config->threads, 16);
    EXPECT_EQ(r.config->pool, 4);
}

TEST(FrontConfig, FlagsWithEquals) {
    auto r = parse({"--listen=[::1]:81", "--db=postgresql://u@h/db?sslmode=disable", "--threads=2", "--pool=1"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->listen_host, "::1");
    EXPECT_EQ(r.config->listen_port, 81);
    EXPECT_EQ(r.config->database_url, "postgresql://u@h/db?sslmode=disable");
    EXPECT_EQ(r.config->threads, 2);
    EXPECT_EQ(r.config->pool, 1);
}

TEST(FrontConfig, Environment) {
    auto r = parse({}, {{"IPTO_LISTEN", "127.0.0.2:7000"},
                        {"IPTO_DATABASE_URL", "dbname=ipto"},
                        {"IPTO_THREADS", "8"},
                        {"IPTO_POOL", "3"}});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->listen_host, "127.0.0.2");
    EXPECT_EQ(r.config->listen_port, 7000);
    EXPECT_EQ(r.config->database_url, "dbname=ipto");
    EXPECT_EQ(r.config->threads, 8);
    EXPECT_EQ(r.config->pool, 3);
}

TEST(FrontConfig, FlagsOverrideEnvironment) {
    auto r = parse({"--pool", "5", "--listen", "127.0.0.1:1"}, {{"IPTO_POOL", "3"}, {"IPTO_LISTEN", "127.0.0.2:7000"}});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->pool, 5);
    EXPECT_EQ(r.config->listen_port, 1);
}

TEST(FrontConfig, EmptyEnvironmentValueIsUnset) {
    auto r = parse({}, {{"IPTO_THREADS", ""}, {"IPTO_LISTEN", ""}});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->threads, 64);
    EXPECT_EQ(r.config->listen_port, 8080);
}

TEST(FrontConfig, PortZeroMeansAnyFreePort) {
    auto r = parse({"--listen", "127.0.0.1:0"});
    ASSERT_TRUE(r.config) << r.error;
    EXPECT_EQ(r.config->listen_port, 0);
}

TEST(FrontConfig, Help) {
    auto r = parse({"--help"});
    ASSERT_TRUE(r.config);
    EXPECT_TRUE(r.config->help);
    EXPECT_NE(usage_text().find("--listen"), std::string::npos);
    EXPECT_NE(usage_text().find("IPTO_DATABASE_URL"), std::string::npos);
}

TEST(FrontConfig, BadValuesAreErrorsNamingTheSource) {
    struct Case {
        std::vector<std::string> args;
        std::map<std::string, std::string> env;
        const char* names;
    } cases[] = {
        {{"--threads", "0"}, {}, "--threads"},
        {{"--threads", "-1"}, {}, "--threads"},
        {{"--threads", "abc"}, {}, "--threads"},
        {{"--threads", "5000"}, {}, "--threads"},
        {{"--threads", "8x"}, {}, "--threads"},
        {{"--pool", "0"}, {}, "--pool"},
        {{"--pool", "1001"}, {}, "--pool"},
        {{"--pool", ""}, {}, "--pool"},
        {{"--listen", "8080"}, {}, "--listen"},
        {{"--listen", "host:"}, {}, "--listen"},
        {{"--listen", ":8080"}, {}, "--listen"},
        {{"--listen", "host:65536"}, {}, "--listen"},
        {{"--listen", "::1:8080"}, {}, "--listen"},
        {{"--listen", "[::1]8080"}, {}, "--listen"},
        {{}, {{"IPTO_THREADS", "many"}}, "IPTO_THREADS"},
        {{}, {{"IPTO_POOL", "0"}}, "IPTO_POOL"},
        {{}, {{"IPTO_LISTEN", "nowhere"}}, "IPTO_LISTEN"},
    };
    for (const auto& c : cases) {
        auto r = parse(c.args, c.env);
        EXPECT_FALSE(r.config) << c.names;
        EXPECT_NE(r.error.find(c.names), std::string::npos) << r.error;
    }
}

TEST(FrontConfig, MissingValueAndUnknownArgument) {
    auto missing = parse({"--db"});
    EXPECT_FALSE(missing.config);
    EXPECT_NE(missing.error.find("--db needs a value"), std::string::npos);
    auto unknown = parse({"--verbose"});
    EXPECT_FALSE(unknown.config);
    EXPECT_NE(unknown.error.find("--verbose"), std::string::npos);
    auto positional = parse({"extra"});
    EXPECT_FALSE(positional.config);
}

TEST(FrontConfig, ListenAddressForms) {
    std::string host;
    int port = 0;
    EXPECT_TRUE(parse_listen_address("localhost:80", host, port));
    EXPECT_EQ(host, "localhost");
    EXPECT_EQ(port, 80);
    EXPECT_TRUE(parse_listen_address("[::]:443", host, port));
    EXPECT_EQ(host, "::");
    EXPECT_EQ(port, 443);
    EXPECT_FALSE(parse_listen_address("[]:443", host, port));
    EXPECT_FALSE(parse_listen_address("", host, port));
}

}  // namespace
}  // namespace ipto::front
