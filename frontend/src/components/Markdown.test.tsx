// @vitest-environment jsdom
// What an expert reads must be what the step says: the Markdown component on real GSM8K text,
// on math delimiters and on the campaign's dollar_math setting.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";

import { Markdown } from "./Markdown";
import { MarkdownSettingsContext } from "./markdown/settings";

function render(text: string, dollarMath = false): HTMLElement {
  const html = renderToStaticMarkup(
    <MarkdownSettingsContext.Provider value={{ dollarMath }}>
      <Markdown text={text} />
    </MarkdownSettingsContext.Provider>,
  );
  const container = document.createElement("div");
  container.innerHTML = html;
  return container;
}

/** The text a reader sees: KaTeX's hidden MathML copy left out, whitespace collapsed. */
function visibleText(element: HTMLElement): string {
  const copy = element.cloneNode(true) as HTMLElement;
  copy.querySelectorAll(".katex-mathml").forEach((node) => node.remove());
  return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
}

/** Every number and every operator or other ASCII symbol, in order. */
function numbersAndOperators(text: string): string[] {
  return text.match(/\d+(?:[.,]\d+)*|[!-/:-@[-`{-~×÷−]/g) ?? [];
}

const markup = "em, strong, del, h1, h2, h3, h4, h5, h6, .katex, li, blockquote, pre";

describe("money and arithmetic show as written", () => {
  test.each([
    "Sara buys 4 notebooks at $3 each and 2 pens at $1.50",
    "2*3*4 = 24",
    "He pays $20+$2=$22 and keeps $5.",
    "So, Eliza will receive $12 x 5 =$<<12*5=60>>60 for overtime pay.",
    "a_1 + b_1 = c_1 and my_var_name",
    "#### 18",
    "# 5 apples",
    "It takes 48/2=<<48/2=24>>24 minutes",
    "2**3 + 3**2 = 17 and 2 ** 3 = 8",
    "~5 minutes, ~10 more",
    "Total\n===",
    "<<a href=x>>",
  ])("%j", (text) => {
    const element = render(text);
    expect(visibleText(element)).toBe(text.replace(/\s+/g, " "));
    expect(element.querySelector(markup)).toBeNull();
  });

  test("calculator annotations are marked so they can be styled", () => {
    const calc = render("It takes 48/2=<<48/2=24>>24 minutes").querySelector("span.calc");
    expect(calc?.textContent).toBe("<<48/2=24>>");
  });

  test("bold at word edges survives; single asterisks never italicise", () => {
    const element = render("**Step 1:** multiply 2*3*4 = **24**");
    expect([...element.querySelectorAll("strong")].map((node) => node.textContent)).toEqual([
      "Step 1:",
      "24",
    ]);
    expect(element.querySelector("em")).toBeNull();
    expect(visibleText(element)).toBe("Step 1: multiply 2*3*4 = 24");
  });

  test("bold never crosses a link's edge", () => {
    const element = render("[**a](https://example.org) b**");
    expect(element.querySelector("strong")).toBeNull();
    expect(visibleText(element)).toBe("**a b**");
  });

  test("raw HTML still shows as nothing", () => {
    const element = render('Evil <img src=x onerror="alert(1)"> and <script>alert(2)</script>');
    expect(element.querySelector("img, script")).toBeNull();
  });
});

describe("math still renders", () => {
  test.each([
    ["$$x^2$$", false],
    ["\\(x\\)", false],
    ["\\[x\\]", true],
    ["$x^2$", false],
    ["$x^2 + 1$ and $y$", false],
    ["Area \\(\\pi r^2\\) where \\(r = 3\\)", false],
    ["\\[\n\\frac{1}{2} \\times 4 = 2\n\\]", true],
    ["$$\n\\sum_{i=1}^{n} i\n$$", true],
  ])("%j", (text, display) => {
    const element = render(text);
    expect(element.querySelector(".katex")).not.toBeNull();
    expect(element.querySelector(".katex-display") !== null).toBe(display);
    expect(element.querySelector(".katex-error")).toBeNull();
  });

  test("inline math keeps its TeX, including escaped dollars and brackets", () => {
    const annotations = [
      ...render("$a\\$b$ and \\(f(x) = [0, 1]\\)").querySelectorAll("annotation"),
    ];
    expect(annotations.map((node) => node.textContent)).toEqual(["a\\$b", "f(x) = [0, 1]"]);
  });

  test("loose or digit-followed dollars are not math", () => {
    for (const text of ["$ x$", "$x $", "$5+$3", "costs \\$5 and \\$6"]) {
      expect(render(text).querySelector(".katex")).toBeNull();
    }
  });

  test("with the campaign's dollar_math every $…$ is math", () => {
    expect(render("$3 each and $", false).querySelector(".katex")).toBeNull();
    const element = render("$3 each and $", true);
    expect(element.querySelector(".katex annotation")?.textContent).toBe("3 each and ");
  });
});

describe("model output reads as intended", () => {
  test("a bold heading line, a display box and a list", () => {
    const element = render(
      "**Final Answer**\n\n- 5 * 3 = 15\n- 15 + 3 = 18\n\n\\[\n\\boxed{18}\n\\]",
    );
    expect(element.querySelector("strong")?.textContent).toBe("Final Answer");
    expect([...element.querySelectorAll("li")].map((node) => node.textContent)).toEqual([
      "5 * 3 = 15",
      "15 + 3 = 18",
    ]);
    expect(element.querySelector(".katex-display annotation")?.textContent).toBe("\\boxed{18}");
  });

  test("no mix of delimiters, stars, escapes and brackets makes the renderer throw", () => {
    const pieces = ["*", "**", "$", "$$", "\\", "\\(", "\\)", "\\[", "\\]", "<<", ">>", "<"];
    pieces.push("](x)", "[", "a", "1", " ", "\n", "_", "~", "`", "#", "-");
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 600; i++) {
      const size = 1 + Math.floor(next() * 20);
      const text = Array.from({ length: size }, () => pieces[Math.floor(next() * pieces.length)]);
      expect(() => render(text.join(""), i % 2 === 0)).not.toThrow();
    }
  }, 60_000);
});

interface Gsm8kRow {
  question: string;
  answer: string;
}

// The data set sits beside the checkout: <repo>/../shared/data/gsm8k_test.jsonl.
const testFile = `file://${expect.getState().testPath ?? ""}`;
const gsm8kUrl = new URL("../../../../shared/data/gsm8k_test.jsonl", testFile);
const fs = (
  globalThis as unknown as {
    process: {
      getBuiltinModule(name: "node:fs"): {
        existsSync(path: URL): boolean;
        readFileSync(path: URL, encoding: "utf8"): string;
      };
    };
  }
).process.getBuiltinModule("node:fs");
const gsm8kPresent = fs.existsSync(gsm8kUrl);
if (!gsm8kPresent) console.warn(`GSM8K test skipped: ${gsm8kUrl.pathname} is absent`);

describe.skipIf(!gsm8kPresent)("every GSM8K test question and answer line", () => {
  test("keeps every number and operator, in order, and gains no markup", () => {
    const rows = fs
      .readFileSync(gsm8kUrl, "utf8")
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Gsm8kRow);
    const texts = rows.flatMap((row) => [row.question, ...row.answer.split("\n")]);
    const changed: string[] = [];
    const marked: string[] = [];
    for (const text of texts) {
      const element = render(text);
      const seen = numbersAndOperators(visibleText(element)).join(" ");
      if (seen !== numbersAndOperators(text).join(" ")) changed.push(text);
      if (element.querySelector(markup)) marked.push(text);
    }
    expect(rows.length).toBe(1319);
    expect(texts.length).toBe(7459);
    expect(changed.slice(0, 5)).toEqual([]);
    expect(marked.slice(0, 5)).toEqual([]);
  }, 300_000);
});
