#include <set>

#include <gtest/gtest.h>

#include "tuning/suggest/gaussian_process.h"
#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

using testing::Config;
using testing::DoubleParam;
using testing::IntParam;

TEST(GaussianProcessTest, GradientMatchesFiniteDifferences) {
  Rng rng(1, 0);
  Eigen::MatrixXd x(12, 3);
  Eigen::VectorXd y(12);
  for (int i = 0; i < 12; ++i) {
    for (int c = 0; c < 3; ++c) x(i, c) = rng.Uniform();
    y(i) = std::sin(3 * x(i, 0)) + x(i, 1) * x(i, 1) + 0.1 * rng.Normal();
  }
  GaussianProcess::Hyper h;
  h.log_lengthscale = Eigen::Vector3d(std::log(0.3), std::log(0.5), std::log(1.2));
  h.log_signal = std::log(0.8);
  h.log_noise = std::log(0.01);
  Eigen::VectorXd grad;
  GaussianProcess::LogMarginalLikelihood(x, y, h, &grad);
  const double eps = 1e-5;
  for (int k = 0; k < 5; ++k) {
    GaussianProcess::Hyper plus = h, minus = h;
    auto bump = [&](GaussianProcess::Hyper& t, double delta) {
      if (k < 3) t.log_lengthscale(k) += delta;
      else if (k == 3) t.log_signal += delta;
      else t.log_noise += delta;
    };
    bump(plus, eps);
    bump(minus, -eps);
    const double numeric = (GaussianProcess::LogMarginalLikelihood(x, y, plus, nullptr) -
                            GaussianProcess::LogMarginalLikelihood(x, y, minus, nullptr)) /
                           (2 * eps);
    EXPECT_NEAR(grad(k), numeric, 1e-4 * (1 + std::fabs(numeric))) << "component " << k;
  }
}

TEST(GaussianProcessTest, InterpolatesASmoothFunction) {
  Rng rng(2, 0);
  Eigen::MatrixXd x(30, 1);
  Eigen::VectorXd y(30);
  for (int i = 0; i < 30; ++i) {
    x(i, 0) = i / 29.0;
    y(i) = std::sin(6 * x(i, 0));
  }
  auto gp = GaussianProcess::Fit(x, y, x, y, 2, 60, rng);
  ASSERT_TRUE(gp.ok());
  double mean, var;
  gp->Predict(Eigen::VectorXd::Constant(1, 0.51), &mean, &var);
  EXPECT_NEAR(mean, std::sin(6 * 0.51), 0.05);
  EXPECT_LT(var, 0.05);
}

double Bowl(const Assignment& a) {
  const double x = testing::Num(a, "x"), y = testing::Num(a, "y");
  return std::pow(x - 0.3, 2) + std::pow(y - 0.7, 2) + 0.3 * std::pow(x + y - 1, 2);
}

TEST(GpSuggesterTest, FindsTheBottomOfABowlFasterThanRandom) {
  std::vector<double> gp_best, random_best;
  for (uint64_t seed = 0; seed < 3; ++seed) {
    for (const char* algorithm : {"bayesianoptimization", "random"}) {
      auto s = MakeSuggester(Config(algorithm, {DoubleParam("x", -1, 1), DoubleParam("y", 0, 2)}, seed));
      ASSERT_TRUE(s.ok());
      const double best = testing::BestLoss(testing::RunSequential(**s, Bowl, 25));
      (std::string(algorithm) == "random" ? random_best : gp_best).push_back(best);
    }
  }
  std::sort(gp_best.begin(), gp_best.end());
  std::sort(random_best.begin(), random_best.end());
  EXPECT_LT(gp_best[1], random_best[1]);
  EXPECT_LT(gp_best[1], 2e-3);
}

TEST(GpSuggesterTest, BatchOfSuggestionsSpreadsOut) {
  auto s = MakeSuggester(Config("bayesianoptimization", {IntParam("n", 1, 100)}, 4, {{"n_initial_points", "4"}}));
  ASSERT_TRUE(s.ok());
  auto trials = testing::RunSequential(**s, [](const Assignment& a) { return std::fabs(testing::Num(a, "n") - 30); }, 8);
  auto batch = (*s)->Suggest(trials, 3);
  ASSERT_TRUE(batch.ok());
  std::set<std::string> values;
  for (const Suggestion& g : *batch) values.insert(testing::AsMap(g.assignment)["n"]);
  EXPECT_EQ(values.size(), 3u);
}

TEST(GpSuggesterTest, SettingsAreValidated) {
  std::vector<ParameterSpec> space = {DoubleParam("x", 0, 1)};
  EXPECT_TRUE(MakeSuggester(Config("bayesianoptimization", space, 1,
                                   {{"base_estimator", "GP"}, {"n_initial_points", "5"}, {"acq_func", "gp_hedge"},
                                    {"acq_optimizer", "auto"}}))
                  .ok());
  EXPECT_FALSE(MakeSuggester(Config("bayesianoptimization", space, 1, {{"base_estimator", "RF"}})).ok());
  EXPECT_FALSE(MakeSuggester(Config("bayesianoptimization", space, 1, {{"acq_func", "magic"}})).ok());
  EXPECT_FALSE(MakeSuggester(Config("bayesianoptimization", space, 1, {{"n_initial_points", "0"}})).ok());
}

}  // namespace
}  // namespace cairn::tuning::suggest

namespace cairn::tuning::suggest {
namespace {

TEST(GpSuggesterTest, LearnsWhichCategoryIsBest) {
  // The best choice sits in the middle of the list, so an ordered encoding
  // would blur it with its neighbours.
  auto loss = [](const Assignment& a) {
    const auto m = testing::AsMap(a);
    return std::pow(std::stod(m.at("x")) - 0.5, 2) + (m.at("c") == "c" ? 0.0 : 1.0);
  };
  int found = 0;
  for (uint64_t seed = 0; seed < 3; ++seed) {
    auto s = MakeSuggester(testing::Config(
        "bayesianoptimization",
        {testing::DoubleParam("x", 0, 1),
         testing::ListParam("c", ParameterType::kCategorical, {"a", "b", "c", "d", "e"})},
        seed));
    ASSERT_TRUE(s.ok());
    auto trials = testing::RunSequential(**s, loss, 25);
    int c_in_last_ten = 0;
    for (size_t i = trials.size() - 10; i < trials.size(); ++i) {
      c_in_last_ten += testing::AsMap(trials[i].assignment)["c"] == "c";
    }
    found += c_in_last_ten >= 6;
  }
  EXPECT_GE(found, 2);
}

}  // namespace
}  // namespace cairn::tuning::suggest
