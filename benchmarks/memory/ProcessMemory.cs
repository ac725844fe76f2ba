namespace ResNetService.Benchmarks.Memory;

/// <summary>A process's resident memory as Linux reports it in <c>/proc/&lt;pid&gt;/status</c>.</summary>
public static class ProcessMemory
{
    /// <summary>Resident set size now (VmRSS), in bytes.</summary>
    public static long Resident(int pid) => Read(pid, "VmRSS:");

    /// <summary>The highest resident set size since the process started or since <see cref="ResetPeak"/> (VmHWM), in bytes.</summary>
    public static long Peak(int pid) => Read(pid, "VmHWM:");

    /// <summary>Starts the peak over from the current size (Linux 4.0 and later: "5" in clear_refs).</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    public static string Megabytes(long bytes) => $"{bytes / 1e6:0} MB";

    private static long Read(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // "VmHWM:	  123456 kB"
                var kilobytes = long.Parse(line[field.Length..].Trim().Split(' ')[0]);
                return kilobytes * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {field} line.");
    }
}
