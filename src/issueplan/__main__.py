from issueplan.launcher import main

main()
