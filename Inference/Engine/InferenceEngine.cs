using System.Collections.Concurrent;
using System.Diagnostics;
using Gearbox.Contracts.Serving;
using Gearbox.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Gearbox.Inference;

/// <summary>
/// One loaded model on one device. Forward passes run on the engine's own thread, never on the
/// caller's (so Orleans' scheduler is never blocked), one batch at a time, under no_grad.
/// The thread count is per engine and can change between batches (Sponge's in-place vertical
/// scaling): libtorch's intra-op thread setting is per calling thread, and this thread is ours.
/// </summary>
public sealed class InferenceEngine : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly Device _device;
    private readonly BlockingCollection<Job> _jobs = new();
    private readonly Thread _thread;
    private volatile int _threads;

    public InferenceEngine(ModelSpec spec, nn.Module<Tensor, Tensor> module, ModelMetadata metadata, string? device = null, int threads = 1)
    {
        Spec = spec;
        Metadata = metadata;
        Device = DevicePicker.Pick(device);
        _device = new Device(Device);
        _module = module;
        _module.to(_device);
        _module.eval();
        SetThreads(threads);
        _thread = new Thread(Run) { IsBackground = true, Name = ThreadNamePrefix + spec.Name }; // short: Linux shows 15 characters of a thread's name (top -H)
        _thread.Start();
    }

    /// <summary>Engine threads are named this plus the model's name (libtorch's intra-op threads inherit it), so their CPU can be told apart (profile-serving).</summary>
    public const string ThreadNamePrefix = "gbx-";

    public ModelSpec Spec { get; }
    public ModelMetadata Metadata { get; }
    public string Device { get; }
    public int Threads => _threads;

    public static InferenceEngine Load(ModelStore store, ModelSpec spec, string? device = null, int threads = 1)
    {
        var (module, metadata) = store.Load(spec);
        return new InferenceEngine(spec, module, metadata, device, threads);
    }

    /// <summary>Changes the compute share (intra-op threads) from the next batch on; queued work is kept.</summary>
    public void SetThreads(int threads)
    {
        if (threads < 1 || threads > Environment.ProcessorCount)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"Threads must be 1..{Environment.ProcessorCount}.");
        _threads = threads;
    }

    /// <summary>
    /// Runs a batch: <paramref name="inputs"/> holds <paramref name="count"/> images of side*side floats in [0, 1]
    /// (the profiler's, trainer's and warm-up's path; serving takes the images as they came, <see cref="InferAsync(IReadOnlyList{ImageItem})"/>).
    /// </summary>
    public Task<InferenceOutput> InferAsync(float[] inputs, int count)
    {
        if (count < 1 || inputs.Length != count * Spec.InputSize)
            throw new ArgumentException($"{inputs.Length} floats are not {count} inputs of {Spec.InputSize} for model '{Spec.Name}'.");
        var job = new Job(inputs, count);
        _jobs.Add(job);
        return job.Result.Task;
    }

    public InferenceOutput Infer(float[] inputs, int count) => InferAsync(inputs, count).GetAwaiter().GetResult();

    /// <summary>
    /// Runs a batch of images as they came in (the serving path): each item's bytes are copied once, on the
    /// engine's thread, into the batch's input tensor (<see cref="InputTensor"/>). Items may come from several
    /// requests' batches; each must hold <see cref="ModelSpec.InputSize"/> pixels.
    /// </summary>
    public Task<InferenceOutput> InferAsync(IReadOnlyList<ImageItem> items)
    {
        if (items.Count < 1) throw new ArgumentException($"A batch for model '{Spec.Name}' needs at least one item.", nameof(items));
        for (var i = 0; i < items.Count; i++)
            if (items[i].Batch.ItemSize != Spec.InputSize)
                throw new ArgumentException($"Item {i} holds {items[i].Batch.ItemSize} pixels, not the {Spec.InputSize} of model '{Spec.Name}'.", nameof(items));
        var job = new Job(null, items.Count) { Images = items };
        _jobs.Add(job);
        return job.Result.Task;
    }

    /// <summary>All items of <paramref name="batch"/> as one engine batch.</summary>
    public Task<InferenceOutput> InferAsync(ImageBatch batch)
    {
        var items = new ImageItem[batch.Count];
        for (var i = 0; i < items.Length; i++) items[i] = new ImageItem(batch, i);
        return InferAsync(items);
    }

    /// <summary>
    /// Runs blank batches once, so the first real request does not pay for libtorch's lazy set-up (tens
    /// of milliseconds); that would miss its deadline and skew the worker's latency estimate.
    /// </summary>
    public void WarmUp(int largestBatch = 8)
    {
        for (var batch = 1; batch <= largestBatch; batch *= 2) Infer(new float[batch * Spec.InputSize], batch);
    }

    private void Run()
    {
        var applied = 0;
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            try
            {
                if (applied != _threads)
                {
                    applied = _threads;
                    set_num_threads(applied);
                }
                job.Result.SetResult(Forward(job));
            }
            catch (Exception e)
            {
                job.Result.SetException(e);
            }
        }
    }

    private InferenceOutput Forward(Job job)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var input = job.Images is { } images ? InputTensor(images) : tensor(job.Inputs!, [job.Count, Spec.InputSize], device: _device);
        var logits = _module.forward(input).cpu();
        var output = OutputDecoder.Decode(Spec.Kind, logits, 0);
        return output with { ComputeMs = clock.Elapsed.TotalMilliseconds };
    }

    /// <summary>
    /// The batch's [n, InputSize] float input, each item's bytes copied once into a native tensor. All UINT8:
    /// a byte tensor, converted and divided by 255 on the tensor side (what the dataset loader computes,
    /// bit for bit: a test checks all 256 values). Any FP32 item: a float tensor, FP32 items copied as
    /// they are (little-endian, as this host is) and UINT8 ones divided by 255 as they are copied.
    /// </summary>
    private Tensor InputTensor(IReadOnlyList<ImageItem> items)
    {
        var n = items.Count;
        var size = Spec.InputSize;
        var allBytes = true;
        for (var i = 0; i < n && allBytes; i++) allBytes = items[i].Batch.Element == ImageElement.Uint8;
        if (allBytes)
        {
            var pixels = empty([n, size], ScalarType.Byte);
            var destination = pixels.bytes;
            for (var i = 0; i < n; i++) items[i].Bytes.CopyTo(destination.Slice(i * size, size));
            return pixels.to(_device).to_type(ScalarType.Float32).div_(255f);
        }
        var floats = empty([n, size], ScalarType.Float32);
        var bytes = floats.bytes;
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes);
        for (var i = 0; i < n; i++)
        {
            var item = items[i].Bytes;
            if (items[i].Batch.Element == ImageElement.Fp32)
            {
                item.CopyTo(bytes.Slice(i * size * sizeof(float), size * sizeof(float)));
                continue;
            }
            var row = values.Slice(i * size, size);
            for (var p = 0; p < size; p++) row[p] = item[p] / 255f;
        }
        return floats.to(_device);
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        if (Thread.CurrentThread != _thread) _thread.Join();
        _module.Dispose();
        _jobs.Dispose();
    }

    /// <summary>A batch: floats (<see cref="Inputs"/>) or images as they came (<see cref="Images"/>).</summary>
    private sealed record Job(float[]? Inputs, int Count)
    {
        public IReadOnlyList<ImageItem>? Images { get; init; }

        public TaskCompletionSource<InferenceOutput> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
