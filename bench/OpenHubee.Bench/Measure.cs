using System.Globalization;

namespace OpenHubee.Bench;

/// <summary>Small measurement helpers shared by the benchmarks.</summary>
public static class Measure
{
    /// <summary>The 1, 5 and 15-minute load averages: a loaded machine makes a run incomparable, so every report states it.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>Nearest-rank percentile (p in 0..100) of unsorted values.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    public static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);
}
