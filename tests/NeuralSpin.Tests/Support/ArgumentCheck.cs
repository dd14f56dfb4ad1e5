using NUnit.Framework;

namespace NeuralSpin.Tests.Support;

/// <summary>
/// One row of an argument-check table: a call of a public member with one invalid argument, the exact exception type it
/// must throw, the <see cref="ArgumentException.ParamName"/> it must carry (null where the check names no parameter) and a
/// fragment of the message that says what is wrong. The row's test is named after the rule it checks.
/// </summary>
/// <param name="Rule">The rule, as the test's name: "member: what must hold".</param>
/// <param name="Exception">The exact exception type (a subclass does not pass).</param>
/// <param name="ParamName">The expected ParamName of an <see cref="ArgumentException"/>; ignored for other exceptions.</param>
/// <param name="Message">A fragment the message must contain.</param>
/// <param name="Call">The call that must throw.</param>
public sealed record ArgumentCheck(string Rule, Type Exception, string? ParamName, string Message, TestDelegate Call)
{
    /// <summary>A row expecting exactly <typeparamref name="T"/>.</summary>
    public static ArgumentCheck Of<T>(string rule, string? paramName, string message, TestDelegate call) where T : Exception =>
        new(rule, typeof(T), paramName, message, call);

    /// <summary>A row expecting exactly <see cref="ArgumentException"/>.</summary>
    public static ArgumentCheck Arg(string rule, string? param, string message, TestDelegate call) =>
        Of<ArgumentException>(rule, param, message, call);

    /// <summary>A row expecting exactly <see cref="ArgumentOutOfRangeException"/>.</summary>
    public static ArgumentCheck Range(string rule, string? param, string message, TestDelegate call) =>
        Of<ArgumentOutOfRangeException>(rule, param, message, call);

    /// <summary>A row expecting exactly <see cref="ArgumentNullException"/> with the runtime's message.</summary>
    public static ArgumentCheck Null(string rule, string param, TestDelegate call) =>
        Of<ArgumentNullException>(rule, param, "Value cannot be null", call);

    /// <summary>The NUnit case of this row, named after its rule.</summary>
    public TestCaseData ToCase() => new TestCaseData(this).SetName(Rule);

    /// <summary>Runs the call and asserts the exception type, the parameter name and the message fragment.</summary>
    public void Verify()
    {
        var ex = Assert.Throws(Exception, Call)!;
        if (ex is ArgumentException a) Assert.That(a.ParamName, Is.EqualTo(ParamName), "ParamName");
        Assert.That(ex.Message, Does.Contain(Message), "message");
    }

    /// <inheritdoc />
    public override string ToString() => Rule;
}
