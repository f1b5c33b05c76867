"""The programme's yearly results report: entered figures of past years, sentences in the
published report's forms, and builds in HTML, Markdown, CSV, Excel and charts."""
