<#--
  The subject: the title, the issue's number and its first one or two headlines, within about
  80 characters (issue.lead, e.g. "Rewriting a 20-year-old Python library, and 32 more").
  Headlines come from the sources with the fewest entries that week, newest first.
-->
${issue.title} #${issue.number?c}: ${issue.lead()}
