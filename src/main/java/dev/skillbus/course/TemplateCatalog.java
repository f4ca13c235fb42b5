package dev.skillbus.course;

import java.util.List;
import java.util.Map;

/**
 * The plans the template generator fills in with a topic: for each level, its modules, and for each
 * module three lessons, each with what a learner can do after it. {@code %s} stands for the topic.
 */
final class TemplateCatalog {

  record LessonPlan(String title, String goal) {
  }

  record ModulePlan(String title, List<LessonPlan> lessons) {
  }

  private static LessonPlan lesson(String title, String goal) {
    return new LessonPlan(title, goal);
  }

  private static ModulePlan module(String title, LessonPlan... lessons) {
    return new ModulePlan(title, List.of(lessons));
  }

  static final Map<Level, List<ModulePlan>> PLANS = Map.of(
    Level.BEGINNER, List.of(
      module("Getting started with %s",
        lesson("What %s is and why it matters", "explain what %s is and where it is used"),
        lesson("Setting up to practise %s", "prepare the tools and resources needed to practise %s"),
        lesson("The vocabulary of %s", "use the basic terms of %s correctly")),
      module("Core concepts of %s",
        lesson("The building blocks of %s", "name the building blocks of %s and how they fit together"),
        lesson("How %s works, step by step", "trace a simple %s example from start to finish"),
        lesson("Common beginner mistakes in %s", "recognise and avoid the most common beginner mistakes in %s")),
      module("Practising %s",
        lesson("A first small project with %s", "complete a small guided project with %s"),
        lesson("Reading and improving %s work", "review simple %s work and suggest one improvement"),
        lesson("Where to go next with %s", "plan your next steps and resources for learning %s"))),
    Level.INTERMEDIATE, List.of(
      module("Mental models for %s",
        lesson("A refresher on the fundamentals of %s", "restate the fundamentals of %s in your own words"),
        lesson("The mental model behind %s", "predict how %s behaves in a new situation"),
        lesson("When %s is the right choice", "judge when %s fits a problem and when it does not")),
      module("Patterns and techniques in %s",
        lesson("Proven patterns in %s", "apply three proven %s patterns to familiar problems"),
        lesson("Techniques that save time in %s", "use time-saving %s techniques in daily work"),
        lesson("Anti-patterns in %s", "spot %s anti-patterns and refactor them")),
      module("Applying %s to real problems",
        lesson("Breaking down a real %s problem", "split a realistic %s problem into manageable parts"),
        lesson("Building a complete %s solution", "build and explain a complete %s solution"),
        lesson("Working on %s in a team", "share and review %s work with a team")),
      module("Quality and troubleshooting in %s",
        lesson("Checking %s work", "check the quality of %s work with clear criteria"),
        lesson("Troubleshooting %s", "find the cause of a %s problem systematically"),
        lesson("Keeping %s work maintainable", "keep %s work easy to change over time"))),
    Level.ADVANCED, List.of(
      module("Inside %s",
        lesson("How %s works under the hood", "explain the internals of %s and their consequences"),
        lesson("The limits of %s", "identify where %s reaches its limits"),
        lesson("Reading the research and sources on %s", "evaluate primary sources about %s critically")),
      module("Performance and scale with %s",
        lesson("Measuring %s", "measure the performance of %s work reliably"),
        lesson("Scaling %s", "scale %s to larger problems and teams"),
        lesson("Optimising %s", "choose optimisations of %s by their measured effect")),
      module("Design trade-offs in %s",
        lesson("Competing approaches to %s", "compare competing approaches to %s"),
        lesson("Risk and failure modes in %s", "anticipate failure modes of %s and plan for them"),
        lesson("Deciding on %s designs", "document a %s design decision with its trade-offs")),
      module("%s in production",
        lesson("Operating %s day to day", "run %s work reliably day to day"),
        lesson("Security and ethics in %s", "address security and ethical concerns in %s"),
        lesson("Evolving %s systems", "plan the evolution of an existing %s system")),
      module("Leading with %s",
        lesson("Reviewing advanced %s work", "give expert feedback on %s work"),
        lesson("Teaching %s to others", "design a short lesson that teaches %s"),
        lesson("A capstone in %s", "deliver an advanced %s capstone project"))));

  /**
   * How each lesson unfolds; {@code %1$s} is the lesson's title, {@code %2$s} its goal, {@code %3$s}
   * the setting of its worked example.
   */
  static final List<String> OUTLINE = List.of(
    "Introduction: %1$s",
    "Key ideas: how to %2$s",
    "Worked example in %3$s, step by step",
    "Practice: a short exercise to %2$s",
    "Recap and self-check questions");

  /** Where a worked example is set, chosen per lesson so that lessons differ. */
  static final List<String> SETTINGS = List.of(
    "a small personal project", "a team at work", "a real-world case study", "a classroom exercise");

  private TemplateCatalog() {
  }
}
