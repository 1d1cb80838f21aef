// Scores the way SurveyJS apps do: a "score" property on choices (itemvalue), summed over the
// selected choices; a rating's value is its points. Reads [{survey, data}] on stdin and prints
// [{jsonErrors, points}] (the points of the questions that are visible and answered).
"use strict";
const { Model, Serializer } = require("survey-core");

Serializer.addProperty("itemvalue", { name: "score:number" });

function points(question) {
  const value = question.value;
  if (value === undefined || value === null || !question.isVisible) return 0;
  const type = question.getType();
  if (type === "rating") return Number(value);
  if (type !== "radiogroup" && type !== "checkbox") return 0;
  const selected = Array.isArray(value) ? value : [value];
  return question.choices
    .filter((choice) => selected.includes(choice.value))
    .reduce((sum, choice) => sum + (choice.score || 0), 0);
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((c) => {
    const model = new Model(c.survey);
    model.data = c.data;
    return {
      jsonErrors: (model.jsonErrors || []).map((e) => String(e.message || e)),
      points: model.getAllQuestions().reduce((sum, q) => sum + points(q), 0),
    };
  });
  process.stdout.write(JSON.stringify(results));
});
