using Gearbox.Contracts.Profiles;

namespace Gearbox.Planning;

/// <summary>
/// Exact cascade accuracy and per-model reach on the validation items, for any threshold vector
/// (<see cref="Evaluate"/>, one pass over the items) and, in O(models), for any vector on the
/// threshold grid (<see cref="EvaluateGrid"/>). Model i answers an item when its confidence ≥ t_i;
/// the last model always answers.
/// </summary>
/// <remarks>
/// The grid: per model but the last, sorted candidate thresholds <c>0 = c_0 &lt; … &lt; c_m = ForwardAll</c>,
/// every distinct confidence when there are few, else confidence quantiles. Each item gets a code per
/// model (the highest candidate ≤ its confidence), so "model i answers at candidate idx_i" is
/// "code_i ≥ idx_i". Level j's counts over items with code_d &lt; idx_d for all d &lt; j are then a
/// j-dimensional prefix sum, built once. Exactness for grid thresholds is what the tests check against
/// a naive replay.
/// </remarks>
public sealed class CascadeEstimator
{
    /// <summary>A threshold above any confidence: the model forwards every item.</summary>
    public const double ForwardAll = 1.000001;

    private readonly float[][] _confidence;
    private readonly bool[][] _correct;
    private readonly double[][] _candidates;
    private readonly int[][] _codes;         // [model][item]
    private readonly LevelTable[] _levels;   // _levels[j] for j = 1..k-1
    private readonly int _correctFirst;

    public CascadeEstimator(IReadOnlyList<ModelProfile> cascade, int maxCandidatesPerModel = 33)
        : this(cascade.Select(p => p.Model).ToArray(), cascade.Select(p => p.Confidence).ToArray(),
               cascade.Select(p => p.Correct).ToArray(), maxCandidatesPerModel)
    {
    }

    public CascadeEstimator(string[] models, float[][] confidence, bool[][] correct, int maxCandidatesPerModel = 33)
    {
        if (models.Length == 0) throw new ArgumentException("A cascade needs at least one model.", nameof(models));
        if (maxCandidatesPerModel < 3) throw new ArgumentOutOfRangeException(nameof(maxCandidatesPerModel), "Need at least 0, one confidence and ForwardAll.");
        var items = correct[0].Length;
        if (items == 0) throw new InvalidDataException($"Model '{models[0]}' has no validation items.");
        for (var m = 0; m < models.Length; m++)
        {
            if (confidence[m].Length != items || correct[m].Length != items)
                throw new InvalidDataException(
                    $"Profiles do not line up: '{models[m]}' has {correct[m].Length} validation items, '{models[0]}' has {items}. Profile them on the same split.");
        }
        Models = models;
        Items = items;
        _confidence = confidence;
        _correct = correct;
        _candidates = new double[models.Length - 1][];
        _codes = new int[models.Length - 1][];
        for (var m = 0; m < models.Length - 1; m++)
        {
            _candidates[m] = Candidates(confidence[m], maxCandidatesPerModel);
            _codes[m] = confidence[m].Select(c => Code(_candidates[m], c)).ToArray();
        }
        _correctFirst = correct[0].Count(c => c);
        _levels = new LevelTable[models.Length];
        for (var j = 1; j < models.Length; j++) _levels[j] = new LevelTable(j, _candidates, _codes, correct);
    }

    public string[] Models { get; }
    public int Items { get; }

    /// <summary>Candidate thresholds of model <paramref name="model"/> (not the last), ascending; 0 first, <see cref="ForwardAll"/> last.</summary>
    public IReadOnlyList<double> Candidates(int model) => _candidates[model];

    public float Confidence(int model, int item) => _confidence[model][item];
    public bool IsCorrect(int model, int item) => _correct[model][item];

    /// <summary>Accuracy of each model alone on the validation items.</summary>
    public double ModelAccuracy(int model) => _correct[model].Count(c => c) / (double)Items;

    /// <summary>Exact outcome for any thresholds (one per model but the last), by replaying every item.</summary>
    public CascadeOutcome Evaluate(IReadOnlyList<double> thresholds)
    {
        CheckLength(thresholds.Count);
        var k = Models.Length;
        var reached = new int[k];
        var answered = new int[k];
        var right = 0;
        for (var i = 0; i < Items; i++)
        {
            for (var m = 0; m < k; m++)
            {
                reached[m]++;
                if (m == k - 1 || _confidence[m][i] >= thresholds[m])
                {
                    answered[m]++;
                    if (_correct[m][i]) right++;
                    break;
                }
            }
        }
        return new CascadeOutcome(right / (double)Items, [.. reached.Select(r => r / (double)Items)], [.. answered.Select(a => a / (double)Items)]);
    }

    /// <summary>Exact outcome for the grid thresholds <c>Candidates(m)[index[m]]</c>, in O(models) from the prefix tables.</summary>
    public CascadeOutcome EvaluateGrid(ReadOnlySpan<int> index)
    {
        CheckLength(index.Length);
        var k = Models.Length;
        var reach = new double[k];
        var answered = new double[k];
        reach[0] = 1;
        // Correct answers of model j = (reach j and correct_j) − (reach j+1 and correct_j).
        double right = _correctFirst;
        var previousReach = Items;
        for (var j = 1; j < k; j++)
        {
            var level = _levels[j];
            var offset = level.Offset(index);
            right -= level.CorrectPrevious[offset];
            right += level.CorrectSelf[offset];
            reach[j] = level.Count[offset] / (double)Items;
            answered[j - 1] = (previousReach - level.Count[offset]) / (double)Items;
            previousReach = level.Count[offset];
        }
        answered[k - 1] = previousReach / (double)Items;
        return new CascadeOutcome(right / Items, reach, answered);
    }

    public double[] ThresholdsOf(ReadOnlySpan<int> index)
    {
        CheckLength(index.Length);
        var thresholds = new double[index.Length];
        for (var m = 0; m < index.Length; m++) thresholds[m] = _candidates[m][index[m]];
        return thresholds;
    }

    /// <summary>Every vector of candidate indices (the whole threshold grid).</summary>
    public IEnumerable<int[]> GridPoints()
    {
        var index = new int[Models.Length - 1];
        while (true)
        {
            yield return (int[])index.Clone();
            var d = 0;
            while (d < index.Length && ++index[d] == _candidates[d].Length) index[d++] = 0;
            if (d == index.Length) yield break;
        }
    }

    private void CheckLength(int count)
    {
        if (count != Models.Length - 1)
            throw new ArgumentException($"A cascade of {Models.Length} models takes {Models.Length - 1} thresholds, not {count}.");
    }

    private static double[] Candidates(float[] confidence, int max)
    {
        var distinct = confidence.Select(c => (double)c).Where(c => c > 0).Distinct().Order().ToArray();
        IEnumerable<double> inner = distinct;
        if (distinct.Length > max - 2)
        {
            // Quantiles of the confidences (with repeats), so candidates sit where the items are.
            var sorted = confidence.Select(c => (double)c).Where(c => c > 0).Order().ToArray();
            inner = Enumerable.Range(1, max - 2).Select(q => sorted[(int)((long)q * (sorted.Length - 1) / (max - 1))]).Distinct();
        }
        return [0.0, .. inner.Where(c => c < ForwardAll), ForwardAll];
    }

    private static int Code(double[] candidates, float confidence)
    {
        // Highest candidate index whose threshold ≤ confidence (0 always qualifies; ForwardAll never does).
        var lo = 0;
        var hi = candidates.Length - 1;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (candidates[mid] <= confidence) lo = mid; else hi = mid;
        }
        return lo;
    }

    /// <summary>Level j's counts as a j-dimensional inclusive prefix sum over codes shifted by one.</summary>
    private sealed class LevelTable
    {
        private readonly int[] _strides;

        public LevelTable(int level, double[][] candidates, int[][] codes, bool[][] correct)
        {
            _strides = new int[level];
            var size = 1;
            for (var d = level - 1; d >= 0; d--) { _strides[d] = size; size = checked(size * candidates[d].Length); }
            if (size > 4_000_000) throw new InvalidOperationException($"The threshold grid is too fine ({size} cells); lower the candidates per model.");
            Count = new int[size];
            CorrectSelf = new int[size];
            CorrectPrevious = new int[size];
            for (var i = 0; i < codes[0].Length; i++)
            {
                var offset = 0;
                for (var d = 0; d < level; d++) offset += (codes[d][i] + 1) * _strides[d];
                Count[offset]++;
                if (correct[level][i]) CorrectSelf[offset]++;
                if (correct[level - 1][i]) CorrectPrevious[offset]++;
            }
            for (var d = 0; d < level; d++) PrefixAlong(d, candidates[d].Length, size);
        }

        public int[] Count { get; }
        public int[] CorrectSelf { get; }
        public int[] CorrectPrevious { get; }

        public int Offset(ReadOnlySpan<int> index)
        {
            var offset = 0;
            for (var d = 0; d < _strides.Length; d++) offset += index[d] * _strides[d];
            return offset;
        }

        private void PrefixAlong(int dimension, int length, int size)
        {
            var stride = _strides[dimension];
            for (var cell = 0; cell < size; cell++)
            {
                if ((cell / stride) % length == 0) continue;
                Count[cell] += Count[cell - stride];
                CorrectSelf[cell] += CorrectSelf[cell - stride];
                CorrectPrevious[cell] += CorrectPrevious[cell - stride];
            }
        }
    }
}
