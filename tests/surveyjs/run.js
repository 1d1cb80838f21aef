// Runs the real SurveyJS library (survey-core) on surveys exported by musframework.
// Reads a JSON list of cases on stdin; for each: {survey, data, steps?} (steps: [name, value]
// pairs set after data, in order). Prints a JSON list of results.
"use strict";
const { Model, surveyLocalization } = require("survey-core");

// A Danish app makes Danish SurveyJS's default locale, so {"default": <da>} is Danish.
surveyLocalization.defaultLocale = "da";

function firstTitle(model) {
  const q = model.getAllQuestions()[0];
  return q ? q.title : null;
}

function runCase(c) {
  const model = new Model(c.survey);
  const out = {
    jsonErrors: (model.jsonErrors || []).map((e) => String(e.message || e)),
    names: model.getAllQuestions().map((q) => q.name),
    types: model.getAllQuestions().map((q) => q.getType()),
    pages: model.pages.map((p) => p.name),
  };
  model.locale = "da";
  out.title = { da: model.title, firstQuestionDa: firstTitle(model) };
  model.locale = "en";
  out.title.en = model.title;
  out.title.firstQuestionEn = firstTitle(model);
  model.locale = "";
  // Answer like a respondent: one question at a time, in order.
  for (const [name, value] of Object.entries(c.data)) {
    model.setValue(name, value);
  }
  for (const [name, value] of c.steps || []) {
    model.setValue(name, value);
  }
  out.visible = model.getAllQuestions().filter((q) => q.isVisible).map((q) => q.name);
  out.valid = model.validate(false, false);
  out.invalid = model.getAllQuestions()
    .filter((q) => q.isVisible && q.hasErrors(true))
    .map((q) => q.name);
  out.data = model.data;
  return out;
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  process.stdout.write(JSON.stringify(cases.map(runCase)));
});
