from issueplan.cli import main

main()
