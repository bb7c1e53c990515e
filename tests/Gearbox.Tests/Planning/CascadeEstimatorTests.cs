using Gearbox.Contracts.Profiles;
using Gearbox.Planning;

namespace Gearbox.Tests.Planning;

public class CascadeEstimatorTests
{
    /// <summary>The obvious replay, written independently of the estimator.</summary>
    private static (double Accuracy, double[] Reach) Replay(ModelProfile[] cascade, double[] thresholds)
    {
        var n = cascade[0].Correct.Length;
        var reach = new double[cascade.Length];
        var right = 0;
        for (var i = 0; i < n; i++)
        {
            var m = 0;
            while (m < cascade.Length - 1 && cascade[m].Confidence[i] < thresholds[m]) { reach[m]++; m++; }
            reach[m]++;
            if (cascade[m].Correct[i]) right++;
        }
        // reach[m] above counted items seen by m; items seen by m are those answered at m or later.
        return (right / (double)n, reach.Select(r => r / n).ToArray());
    }

    [Fact]
    public void Grid_evaluation_equals_a_naive_replay_at_every_grid_point()
    {
        var cascade = SyntheticProfiles.Cascade(items: 500);
        var estimator = new CascadeEstimator(cascade, maxCandidatesPerModel: 12);
        var points = 0;
        foreach (var index in estimator.GridPoints())
        {
            var thresholds = estimator.ThresholdsOf(index);
            var fast = estimator.EvaluateGrid(index);
            var (accuracy, reach) = Replay(cascade, thresholds);
            Assert.Equal(accuracy, fast.Accuracy, 12);
            Assert.Equal(reach, fast.Reach, (a, b) => Math.Abs(a - b) < 1e-12);
            Assert.Equal(1.0, fast.Answered.Sum(), 12);
            points++;
        }
        Assert.Equal(12 * 12, points);
    }

    [Fact]
    public void Evaluate_is_exact_for_thresholds_off_the_grid()
    {
        var cascade = SyntheticProfiles.Cascade(items: 300);
        var estimator = new CascadeEstimator(cascade, maxCandidatesPerModel: 5);
        var random = new Random(5);
        for (var trial = 0; trial < 50; trial++)
        {
            double[] thresholds = [random.NextDouble(), random.NextDouble()];
            var outcome = estimator.Evaluate(thresholds);
            var (accuracy, reach) = Replay(cascade, thresholds);
            Assert.Equal(accuracy, outcome.Accuracy, 12);
            Assert.Equal(reach, outcome.Reach, (a, b) => Math.Abs(a - b) < 1e-12);
        }
    }

    [Fact]
    public void Threshold_zero_answers_everything_first_and_forward_all_reaches_the_last_model()
    {
        var cascade = SyntheticProfiles.Cascade();
        var estimator = new CascadeEstimator(cascade);
        var first = estimator.Evaluate([0, 0]);
        Assert.Equal(cascade[0].Accuracy, first.Accuracy, 12);
        Assert.Equal([1.0, 0, 0], first.Reach);
        var last = estimator.Evaluate([CascadeEstimator.ForwardAll, CascadeEstimator.ForwardAll]);
        Assert.Equal(cascade[2].Accuracy, last.Accuracy, 12);
        Assert.Equal([1.0, 1, 1], last.Reach);
    }

    [Fact]
    public void Profiles_that_do_not_line_up_are_refused_with_the_reason()
    {
        ModelProfile[] cascade = [SyntheticProfiles.Classifier("a", 100, 0.5, 1, 0.1, 1), SyntheticProfiles.Classifier("b", 99, 0.5, 1, 0.1, 2)];
        var error = Assert.Throws<InvalidDataException>(() => new CascadeEstimator(cascade));
        Assert.Contains("do not line up", error.Message);
    }
}
