"""Writers: the assessment result as a workbook, csv files and strategy drafts. Writers never compute."""
