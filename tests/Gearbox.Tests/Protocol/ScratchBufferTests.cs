using System.Buffers;
using Gearbox.Gateway.Protocol;

namespace Gearbox.Tests.Protocol;

public class ScratchBufferTests
{
    [Fact]
    public void A_returned_buffer_is_reused_empty_on_the_same_thread_and_a_nested_rent_gets_another()
    {
        var first = ScratchBuffer.Rent();
        first.Write(new byte[] { 1, 2, 3 });
        var nested = ScratchBuffer.Rent();
        Assert.NotSame(first, nested);
        ScratchBuffer.Return(nested);
        ScratchBuffer.Return(first);

        var again = ScratchBuffer.Rent();
        Assert.Same(first, again);
        Assert.Equal(0, again.WrittenCount);
        ScratchBuffer.Return(again);
    }

    [Fact]
    public void A_buffer_grown_past_the_kept_capacity_is_not_kept()
    {
        var big = ScratchBuffer.Rent();
        big.GetSpan(ScratchBuffer.KeptCapacity + 1);
        ScratchBuffer.Return(big);
        var next = ScratchBuffer.Rent();
        Assert.NotSame(big, next);
        ScratchBuffer.Return(next);
    }
}
