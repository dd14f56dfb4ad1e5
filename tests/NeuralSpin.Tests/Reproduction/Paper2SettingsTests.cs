using System.Text.Json;
using NUnit.Framework;
using NeuralSpin.Reproduction;
using NeuralSpin.Tests.IO;

namespace NeuralSpin.Tests.Reproduction;

/// <summary>
/// Settings files of <c>reproduce paper2</c> (<see cref="Paper2Settings"/>): given keys replace the schedule's values,
/// the others keep them; unknown keys, keys that are not settings, wrong types and out-of-range values are refused naming
/// the key and the file. <see cref="Paper2Cache"/>: a cache directory accepts only the settings it was made with.
/// </summary>
public class Paper2SettingsTests : TempDirFixture
{
    static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    static string Serialized(Paper2Options o) => JsonSerializer.Serialize(o, Snake);

    [Test]
    public void GivenKeysReplaceTheScheduleValues_TheOthersAreKept()
    {
        var o = Paper2Settings.Apply(Paper2Options.Full, """{"trainings": 16, "epochs": 2, "landscape_xs": [-0.5, 0, 0.5], "fit_full_deep": false, "train_subset": 500}""", "s.json");
        var expected = Paper2Options.Full with { Trainings = 16, Epochs = 2, LandscapeXs = [-0.5, 0, 0.5], FitFullDeep = false, TrainSubset = 500 };
        Assert.That(Serialized(o), Is.EqualTo(Serialized(expected)));
        Assert.That(Serialized(Paper2Settings.Apply(Paper2Options.Quick, "{}", "s.json")), Is.EqualTo(Serialized(Paper2Options.Quick)), "an empty file changes nothing");
    }

    [Test]
    public void Keys_AreEveryScheduleField_AndNotTheArchitectureModeSeedOrThreads()
    {
        var all = typeof(Paper2Options).GetProperties().Where(p => p.CanWrite).Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).ToHashSet();
        Assert.That(Paper2Settings.Keys, Is.EquivalentTo(all.Except(["mode", "deep_widths", "shallow_widths", "seed", "threads"])));
    }

    [Test]
    public void TheBuiltInSchedulesAreValid()
    {
        Assert.DoesNotThrow(() => Paper2Settings.Validate(Paper2Options.Quick));
        Assert.DoesNotThrow(() => Paper2Settings.Validate(Paper2Options.Full));
    }

    [Test]
    public void TheBuiltInSchedules_FollowThePapersCollectionRule_AtTheirSizes()
    {
        // P2's rule: one configuration per training, the best of K = 50 draws (the authors' script); quick at least 10^4 and full at
        // least 10^5 trainings per ensemble; the three ensembles: deep on the whole set, shallow, and deep over-parameterized on fewer
        // training images (500) than it has weights (675)
        foreach (var o in new[] { Paper2Options.Quick, Paper2Options.Full })
        {
            Assert.That((o.KeepPerTraining, o.SamplesPerTraining), Is.EqualTo((1, 50)), o.Mode);
            Assert.That(Paper2Setting.Of(o).Select(s => s.Name), Is.EqualTo(new[] { "deep", "shallow", "deep-over" }), o.Mode);
            var over = Paper2Setting.Of(o)[2];
            Assert.That(over.TrainImages, Is.EqualTo(500), o.Mode);
            Assert.That(over.TrainImages, Is.LessThan(NeuralSpin.BinaryNets.LrNet.WeightCountOf(o.DeepWidths)), "over-parameterized: more weights than images");
            Assert.That(Paper2Setting.Of(o)[0].TrainImages, Is.Null, "under-parameterized: the whole training set");
            Assert.That(o.TrainSubset, Is.Null, o.Mode);
        }
        Assert.That(Paper2Options.Quick.Trainings, Is.GreaterThanOrEqualTo(10_000));
        Assert.That(Paper2Options.Full.Trainings, Is.GreaterThanOrEqualTo(100_000));
        Assert.That(Paper2Setting.Of(Paper2Options.Quick with { OverParamTrainImages = null }).Select(s => s.Name), Is.EqualTo(new[] { "deep", "shallow" }), "null switches it off");
        var settings = Paper2Settings.Apply(Paper2Options.Quick, """{"over_param_train_images": null}""", "s.json");
        Assert.That(settings.OverParamTrainImages, Is.Null);
    }

    [TestCase("""{"trainingz": 3}""", "unknown key 'trainingz'")]
    [TestCase("""{"seed": 3}""", "'seed' is not a setting")]
    [TestCase("""{"deep_widths": [20, 10]}""", "'deep_widths' is not a setting")]
    [TestCase("""{"trainings": "many"}""", "'trainings' has the wrong type")]
    [TestCase("""{"landscape_xs": 0.5}""", "'landscape_xs' has the wrong type")]
    [TestCase("""[1, 2]""", "not a JSON object")]
    [TestCase("""{"trainings": 3""", "not valid JSON")]
    [TestCase("""{"trainings": 0}""", "trainings must be at least 1")]
    [TestCase("""{"keep_per_training": 51}""", "keep_per_training (51) must not exceed samples_per_training (50)")]
    [TestCase("""{"over_param_train_images": 0}""", "over_param_train_images must be at least 1")]
    [TestCase("""{"over_param_epochs": 0}""", "over_param_epochs must be at least 1")]
    [TestCase("""{"accuracy_threshold_over_param": -0.1}""", "accuracy_threshold_over_param must lie in [0, 1]")]
    [TestCase("""{"trainings_per_group": 0}""", "trainings_per_group must be at least 1")]
    [TestCase("""{"accuracy_threshold_deep": 1.5}""", "accuracy_threshold_deep must lie in [0, 1]")]
    [TestCase("""{"learning_rate": 0}""", "learning_rate must be finite and positive")]
    [TestCase("""{"l2": -1e-4}""", "l2 must be finite and non-negative")]
    [TestCase("""{"bp_damping": 1}""", "bp_damping must lie in [0, 1)")]
    [TestCase("""{"bp_tolerance": 0}""", "bp_tolerance must be finite and positive")]
    [TestCase("""{"landscape_xs": [0.5, 1]}""", "including 0")]
    [TestCase("""{"landscape_xs": [0, 1, 1]}""", "strictly increasing")]
    [TestCase("""{"landscape_xs": [0]}""", "at least two")]
    [TestCase("""{"mc_landscape_measure": 19}""", "mc_landscape_measure must be at least 20")]
    [TestCase("""{"mc_landscape_burn_in": -1}""", "mc_landscape_burn_in must be at least 0")]
    [TestCase("""{"mc_sweeps": 10, "mc_record_every": 11}""", "mc_record_every (11) must not exceed mc_sweeps (10)")]
    [TestCase("""{"train_subset": 0}""", "train_subset must be at least 1")]
    [TestCase("""{"max_fit_samples": 1}""", "max_fit_samples must be at least 2")]
    public void BadSettings_AreRefused_NamingTheKeyAndTheFile(string json, string fragment)
    {
        var e = Assert.Throws<SettingsFileException>(() => Paper2Settings.Apply(Paper2Options.Quick, json, "my-settings.json"))!;
        Assert.That(e.Message, Does.StartWith("settings file 'my-settings.json': "));
        Assert.That(e.Message, Does.Contain(fragment));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void MissingFile_IsRefused_NamingIt()
    {
        string p = PathOf("absent.json");
        var e = Assert.Throws<SettingsFileException>(() => Paper2Settings.Apply(Paper2Options.Quick, p))!;
        Assert.That(e.Message, Does.Contain(p));
    }

    [Test]
    public void Cache_AcceptsItsOwnSettings_IgnoresModeAndThreads_RefusesOthers()
    {
        string dir = PathOf("cache");
        var o = Paper2Options.Quick with { Trainings = 8 };
        Assert.That(Paper2Cache.Check(dir, o), Is.False, "no record yet");
        Assert.That(Directory.Exists(dir), Is.False, "Check writes nothing");
        Paper2Cache.Claim(dir, o);
        Assert.That(File.Exists(Path.Combine(dir, Paper2Cache.FileName)));
        Assert.That(Paper2Cache.Check(dir, o with { Mode = "quick, settings x.json", Threads = 2 }), Is.True);
        var e = Assert.Throws<Paper2CacheException>(() => Paper2Cache.Claim(dir, o with { Trainings = 9, Epochs = 3 }))!;
        Assert.That(e.Message, Does.Contain("trainings 8 there, 9 now").And.Contain("epochs 8 there, 3 now").And.Contain(dir));
        File.WriteAllText(Path.Combine(dir, Paper2Cache.FileName), "[]");
        Assert.Throws<Paper2CacheException>(() => Paper2Cache.Check(dir, o));
    }
}
